import { describe, expect, it } from 'vitest';
import { MAX_RELATED_TERMS, relatedTerms } from '../../search/related.js';
import { BASE, get, getJson } from '../../test-helpers.js';
import { searchResponseSchemaOf } from './schema.js';

type Result = { id: string; title: string | null; tags: { name: string }[]; mature: boolean };

const words = (text: string | null) => (text ?? '').toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
const wordsOf = (r: Result) => new Set([...words(r.title), ...r.tags.flatMap((t) => words(t.name))]);

/**
 * Whether `result` shares a word with `item`'s title or tags. Meilisearch also matches
 * one typo in words of 5+ letters and the last query word as a prefix, so a shared
 * word may differ from the item's by that much.
 */
function sharesAWord(item: Result, result: Result): boolean {
  const mine = [...wordsOf(item)];
  for (const w of wordsOf(result)) {
    for (const m of mine) {
      if (w === m) return true;
      if ((w.startsWith(m) || m.startsWith(w)) && Math.min(w.length, m.length) >= 3) return true;
      if (m.length >= 5 && w.length >= 5 && editDistanceAtMostOne(w, m)) return true;
    }
  }
  return false;
}

function editDistanceAtMostOne(a: string, b: string): boolean {
  if (Math.abs(a.length - b.length) > 1) return false;
  let i = 0;
  let j = 0;
  let edits = 0;
  while (i < a.length && j < b.length) {
    if (a[i] === b[j]) {
      i++;
      j++;
      continue;
    }
    if (++edits > 1) return false;
    if (a.length > b.length) i++;
    else if (b.length > a.length) j++;
    else {
      // A swap of two neighbours counts as one typo in Meilisearch.
      if (a[i + 1] === b[j] && a[j] === b[i + 1]) {
        i += 2;
        j += 2;
        continue;
      }
      i++;
      j++;
    }
  }
  return edits + (a.length - i) + (b.length - j) <= 1;
}

describe('relatedTerms', () => {
  it('takes title words, then tag words, without stop words or repeats, numbers last', () => {
    expect(relatedTerms('The Golden Forest of Paris, 1890', ['forest', 'Golden hour', 'tree'])).toEqual([
      'golden',
      'forest',
      'paris',
      'hour',
      'tree',
      '1890',
    ]);
  });

  it('keeps at most the words Meilisearch reads', () => {
    const title = Array.from({ length: 30 }, (_, i) => `word${String.fromCharCode(97 + (i % 26))}${i}`).join(' ');
    expect(relatedTerms(title, ['extra'])).toHaveLength(MAX_RELATED_TERMS);
  });

  it('is empty when there is nothing to compare on', () => {
    expect(relatedTerms(null, [])).toEqual([]);
    expect(relatedTerms('IMG of the', ['a'])).toEqual([]);
  });
});

describe.each([
  ['images', 'image'],
  ['audio', 'audio'],
] as const)('GET /v1/%s/{id}/related/', (path, mediaType) => {
  it('answers up to 10 similar works: never the item, never mature, each sharing a title word or tag', async () => {
    const { body: search } = await getJson(`/v1/${path}/?page_size=20`);
    const items: Result[] = search.results
      .filter(
        (r: Result) =>
          relatedTerms(
            r.title,
            r.tags.map((t) => t.name),
          ).length > 0,
      )
      .slice(0, 8);
    expect(items.length).toBeGreaterThan(3);
    let nonEmpty = 0;
    for (const item of items) {
      const { body } = await getJson(`/v1/${path}/${item.id}/related/`);
      searchResponseSchemaOf(mediaType).parse(body);
      expect(Object.keys(body)).toEqual(['result_count', 'page_count', 'page_size', 'page', 'results']);
      expect(body.page_count).toBe(1);
      expect(body.page_size).toBe(10);
      expect(body.page).toBe(1);
      expect(body.results.length).toBeLessThanOrEqual(10);
      if (body.results.length < 10) expect(body.result_count).toBe(body.results.length);
      else expect(body.result_count).toBeGreaterThanOrEqual(10);
      if (body.results.length) nonEmpty++;
      const ids = body.results.map((r: Result) => r.id);
      expect(new Set(ids).size).toBe(ids.length);
      for (const r of body.results) {
        expect(r.id).not.toBe(item.id);
        expect(r.mature).toBe(false);
        expect(r.fields_matched).toEqual([]);
        expect(r.detail_url).toBe(`${BASE}/v1/${path}/${r.id}/`);
        expect(
          sharesAWord(item, r),
          `${r.title} / ${r.tags.map((t: { name: string }) => t.name)} vs ${item.title} / ${item.tags.map((t) => t.name)}`,
        ).toBe(true);
      }
    }
    expect(nonEmpty).toBeGreaterThan(0);
  });

  it('serializes related works as search does', async () => {
    const { body: search } = await getJson(`/v1/${path}/?page_size=20`);
    for (const item of search.results.slice(0, 5)) {
      const { body } = await getJson(`/v1/${path}/${item.id}/related/`);
      if (!body.results.length) continue;
      const first = body.results[0];
      const { body: detail } = await getJson(`/v1/${path}/${first.id}/`);
      expect(first).toEqual(detail);
      return;
    }
    throw new Error('no item with related works among the first five results');
  });

  it('answers 404 JSON for an identifier the index does not hold', async () => {
    const { body } = await getJson(`/v1/${path}/4bc43a04-ef46-4544-a0c1-63c63f56e276/related/`, 404);
    expect(body).toEqual({ detail: 'Not found.' });
  });

  it.each(['abcd', '4BC43A04-EF46-4544-A0C1-63C63F56E276', '4bc43a04-ef46-1544-a0c1-63c63f56e276'])(
    'answers 404 JSON for a malformed identifier %s',
    async (id) => {
      const { body } = await getJson(`/v1/${path}/${id}/related/`, 404);
      expect(body).toEqual({ detail: 'Not found.' });
    },
  );

  it('validates search parameters here too (§2.3)', async () => {
    const { body: search } = await getJson(`/v1/${path}/?page_size=1`);
    const id = search.results[0].id;
    const { body, res } = await getJson(`/v1/${path}/${id}/related/?page_size=100`, 401);
    expect(body).toEqual({ detail: 'Ensure this value is less than or equal to 20.' });
    expect(res.headers.get('www-authenticate')).toBe('Bearer realm="api"');
    const { body: bad } = await getJson(`/v1/${path}/${id}/related/?page=abc`, 400);
    expect(bad).toEqual({ detail: { page: ['A valid integer is required.'] } });
  });

  it('redirects the path without the trailing slash', async () => {
    const { body: search } = await getJson(`/v1/${path}/?page_size=1`);
    const id = search.results[0].id;
    const res = await get(`/v1/${path}/${id}/related`);
    expect(res.status).toBe(301);
    expect(new URL(res.headers.get('location')!, BASE).pathname).toBe(`/v1/${path}/${id}/related/`);
  });
});

describe('related and mature works', () => {
  it('never lists a mature work, even one that shares words with the item', async () => {
    const matureIds = new Set<string>();
    for (let page = 1; page <= 20 && matureIds.size === 0; page++) {
      const { body } = await getJson(`/v1/images/?mature=true&page_size=20&page=${page}`);
      for (const r of body.results) if (r.mature) matureIds.add(r.id);
      if (body.results.length < 20) break;
    }
    if (matureIds.size === 0) return; // the fixture has no mature image: nothing more to check
    const [mature] = matureIds;
    // The mature work's own related list, and the related lists of its neighbours.
    const { body } = await getJson(`/v1/images/${mature}/related/`);
    for (const r of body.results) {
      expect(r.mature).toBe(false);
      const { body: back } = await getJson(`/v1/images/${r.id}/related/`);
      expect(back.results.map((x: Result) => x.id)).not.toContain(mature);
    }
  });
});

describe('related and sensitive text', () => {
  it('hides works with sensitive text, as search does by default', async () => {
    // The fixture gives two images the title "Beach party NSFW edition": each shares
    // every title word with the other, so only the filter can keep it out.
    const { body: found } = await getJson('/v1/images/?q=nsfw&unstable__include_sensitive_results=true&unstable__sensitivity=true');
    const sensitive = (found.results as (Result & { unstable__sensitivity?: string[] })[]).filter((r) => /nsfw/i.test(r.title ?? ''));
    expect(sensitive.length, JSON.stringify(found.results.map((r: Result) => r.title))).toBeGreaterThanOrEqual(2);
    const hidden = await getJson('/v1/images/?q=nsfw');
    expect(hidden.body.results.filter((r: Result) => /nsfw/i.test(r.title ?? ''))).toEqual([]);
    const { body } = await getJson(`/v1/images/${sensitive[0].id}/related/`);
    const ids = body.results.map((r: Result) => r.id);
    for (const other of sensitive) expect(ids).not.toContain(other.id);
    for (const r of body.results as Result[]) expect(r.title ?? '').not.toMatch(/nsfw/i);
  });
});

describe('OpenAPI', () => {
  it('documents the related routes', async () => {
    const { body } = await getJson('/v1/openapi.json');
    expect(body.paths['/v1/images/{identifier}/related/'].get.operationId).toBe('image_related');
    expect(body.paths['/v1/audio/{identifier}/related/'].get.operationId).toBe('audio_related');
  });
});
