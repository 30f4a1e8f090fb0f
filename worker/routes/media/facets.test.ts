/**
 * Facet counts (issue #20 item 1) against the fixture catalog: every count is the
 * `result_count` of the same search filtered to that value, for every facet of each
 * media type, on a plain listing, a `q` search and a field-search union.
 */
import { describe, expect, it } from 'vitest';
import { AUDIO_FACETS, FACET_LIMIT, IMAGE_FACETS } from '../../search/facets.js';
import { get, getJson } from '../../test-helpers.js';

type Media = 'images' | 'audio';
type Facets = Record<string, Record<string, number>>;

const FACETS = { images: IMAGE_FACETS, audio: AUDIO_FACETS } as const;
// Dead-link filtering would shorten pages; page_size=1 keeps each check to one hit.
const BASE = 'filter_dead=false&page_size=1';

/** Two title words of the fixture, for a `q` search and a two-term field-search union. */
async function titleWords(media: Media): Promise<[string, string]> {
  const { body } = await getJson(`/v1/${media}/?page_size=20&filter_dead=false`);
  const words = new Set<string>();
  for (const r of body.results) for (const w of (r.title ?? '').split(/\s+/)) if (/^[a-z]{4,}$/i.test(w)) words.add(w.toLowerCase());
  const [a, b] = [...words];
  if (!a || !b) throw new Error('not enough title words in the fixture');
  return [a, b];
}

async function search(media: Media, query: string): Promise<{ result_count: number; facets?: Facets }> {
  return (await getJson(`/v1/${media}/?${BASE}&${query}`)).body;
}

/** Checks the order (count desc, ties by value) and the limit of one facet's values. */
function expectTopOrder(values: Record<string, number>, limit: number) {
  const entries = Object.entries(values);
  expect(entries.length).toBeLessThanOrEqual(limit);
  for (let i = 1; i < entries.length; i++) {
    const [pa, pn] = entries[i - 1];
    const [a, n] = entries[i];
    expect(pn > n || (pn === n && pa < a), `${pa}:${pn} before ${a}:${n}`).toBe(true);
  }
}

describe.each(['images', 'audio'] as const)('facets on /v1/%s/', (media) => {
  const facets = FACETS[media];

  it('each count equals the result_count of the same search filtered to that value', { timeout: 180_000 }, async () => {
    const [w1, w2] = await titleWords(media);
    // A listing, a `q` search, and a field-search union (several terms: a federated search).
    for (const query of ['', `q=${w1}`, `title=${encodeURIComponent(`${w1} ${w2}`)}`]) {
      const withFacets = await search(media, `${query}&facets=${facets.join(',')}&facet_limit=${FACET_LIMIT.max}`);
      expect(Object.keys(withFacets.facets ?? {})).toEqual([...facets]);
      const total = withFacets.result_count;
      expect(total, `${media} ${query}`).toBeGreaterThan(0);
      for (const facet of facets) {
        const values = withFacets.facets![facet];
        expectTopOrder(values, FACET_LIMIT.max);
        // Each work has one value (license_type groups overlap: counted per group).
        if (facet !== 'license_type' && facet !== 'creator') {
          expect(
            Object.values(values).reduce((a, b) => a + b, 0),
            `${facet} ${query}`,
          ).toBeLessThanOrEqual(total);
        }
        if (facet === 'creator') continue; // exact per-creator counts are checked below (collection route)
        for (const [value, count] of Object.entries(values)) {
          const filtered = await search(media, `${query}&${facet}=${encodeURIComponent(value)}`);
          expect(filtered.result_count, `${media} ?${query}&${facet}=${value}`).toBe(count);
        }
      }
      // license_type: `all` is every licensed work found.
      expect(withFacets.facets!.license_type.all).toBe(total);
    }
  });

  it('creator counts equal the creator collection of the same source', { timeout: 60_000 }, async () => {
    const { body } = await getJson(`/v1/${media}/?${BASE}&facets=source`);
    const [source] = Object.keys(body.facets.source);
    const withCreators = await search(media, `source=${encodeURIComponent(source)}&facets=creator&facet_limit=10`);
    const creators = withCreators.facets!.creator;
    expect(Object.keys(creators).length).toBeGreaterThan(0);
    expectTopOrder(creators, 10);
    expect(Object.values(creators).reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(withCreators.result_count);
    for (const [creator, count] of Object.entries(creators)) {
      const path = `/v1/${media}/source/${encodeURIComponent(source)}/creator/${encodeURIComponent(creator)}/?${BASE}`;
      expect((await getJson(path)).body.result_count, path).toBe(count);
    }
  });

  it('facet_limit keeps the top values; without `facets` the answer has none', async () => {
    const all = await search(media, 'facets=source,license&facet_limit=100');
    const top = await search(media, 'facets=source,license&facet_limit=2');
    for (const facet of ['source', 'license']) {
      expect(top.facets![facet]).toEqual(Object.fromEntries(Object.entries(all.facets![facet]).slice(0, 2)));
    }
    const plain = await search(media, '');
    expect(plain).not.toHaveProperty('facets');
    expect(plain.result_count).toBe(all.result_count);
  });

  it('refuses unknown facets and facet_limit out of range, naming the parameter', async () => {
    const other = media === 'images' ? 'length' : 'size';
    for (const bad of ['nope', other, `source,${other}`]) {
      const { body } = await getJson(`/v1/${media}/?facets=${bad}`, 400);
      expect(Object.keys(body.detail)).toEqual(['facets']);
    }
    for (const bad of ['0', '101', 'x']) {
      const { body } = await getJson(`/v1/${media}/?facets=source&facet_limit=${bad}`, 400);
      expect(Object.keys(body.detail)).toEqual(['facet_limit']);
    }
  });
});

describe('facets and the answer cache', () => {
  it('an answer cached without facets is not served to a request with them, and back', async () => {
    const [w] = await titleWords('images');
    // A page size no other test uses: a key of its own.
    const query = `/v1/images/?q=${w}&page_size=7&filter_dead=false`;
    let cache: string | null = null;
    for (let i = 0; i < 5 && cache !== 'HIT'; i++) {
      const res = await get(query);
      cache = res.headers.get('x-cache');
      expect(await res.json()).not.toHaveProperty('facets');
      if (cache !== 'HIT') await new Promise((r) => setTimeout(r, 1100));
    }
    expect(cache).toBe('HIT');
    const res = await get(`${query}&facets=source`);
    expect(res.headers.get('x-cache')).not.toBe('HIT');
    expect(((await res.json()) as { facets: Facets }).facets.source).toBeDefined();
    expect(await (await get(query)).json()).not.toHaveProperty('facets');
  });
});
