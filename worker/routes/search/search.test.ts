/**
 * `/v1/search/` (issue #20 item 2) against the fixture catalog: images and audio in one
 * ranking, counts that add up, each media type's order kept, kind-only filters narrowing
 * only their kind, consistent paging, facets, peaks, the empty-result suggestion, 400s.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { fetchWith, get, getJson, uniqueIp } from '../../test-helpers.js';
import { AllSearchResponseSchema } from '../media/schema.js';

// Dead-link filtering would shorten pages; these tests are about ranking and counts.
const BASE = 'filter_dead=false&page_size=20';

interface Result {
  id: string;
  media_type?: 'image' | 'audio';
  title: string | null;
  peaks?: number[];
  colors?: { name: string }[];
}
interface Envelope {
  result_count: number;
  page_count: number;
  results: Result[];
  facets?: Record<string, Record<string, number>>;
  suggestion?: string;
}

/** Every result of a search, page by page (at most 20 pages of 20). */
async function all(path: string): Promise<{ first: Envelope; results: Result[] }> {
  const sep = path.includes('?') ? '&' : '?';
  const first = (await getJson<Envelope>(`${path}${sep}${BASE}`)).body;
  const results = [...first.results];
  for (let page = 2; page <= first.page_count; page++) {
    results.push(...(await getJson<Envelope>(`${path}${sep}${BASE}&page=${page}`)).body.results);
  }
  return { first, results };
}

const count = async (path: string) => (await getJson<Envelope>(`${path}&filter_dead=false&page_size=1`)).body.result_count;

/** A title word of the fixture found in both media types, by fewer than 200 works in all (fully pageable). */
let word: string;

beforeAll(async () => {
  const words = new Set<string>();
  for (const media of ['audio', 'images']) {
    const { body } = await getJson<Envelope>(`/v1/${media}/?page_size=20&filter_dead=false`);
    for (const r of body.results) for (const w of (r.title ?? '').toLowerCase().match(/\p{L}{4,}/gu) ?? []) words.add(w);
  }
  for (const w of words) {
    const [images, audio] = [await count(`/v1/images/?q=${w}`), await count(`/v1/audio/?q=${w}`)];
    if (images > 0 && audio > 0 && images + audio <= 200) {
      word = w;
      return;
    }
  }
  throw new Error('no title word found in both media types');
});

describe('/v1/search/', () => {
  it('ranks both media types together: counts add up, each keeps its own order, pages do not repeat', { timeout: 120_000 }, async () => {
    const { first, results } = await all(`/v1/search/?q=${word}`);
    AllSearchResponseSchema.parse(first);
    const images = await all(`/v1/images/?q=${word}`);
    const audio = await all(`/v1/audio/?q=${word}`);
    expect(first.result_count).toBe(images.first.result_count + audio.first.result_count);
    expect(results.length).toBe(first.result_count);
    expect(new Set(results.map((r) => r.id)).size).toBe(results.length);
    // The merge keeps each media type's ranking, and every result is of the kind it says.
    expect(results.filter((r) => r.media_type === 'image').map((r) => r.id)).toEqual(images.results.map((r) => r.id));
    expect(results.filter((r) => r.media_type === 'audio').map((r) => r.id)).toEqual(audio.results.map((r) => r.id));
    // The fields of its kind, as the media search answers them.
    const byId = new Map([...images.results, ...audio.results].map((r) => [r.id, r]));
    for (const r of results.slice(0, 10)) {
      const { media_type, ...rest } = r;
      expect(rest, `${media_type} ${r.id}`).toEqual(byId.get(r.id));
    }
  });

  it('a kind-only filter narrows only its kind; shared filters narrow both', { timeout: 60_000 }, async () => {
    const q = `q=${word}`;
    const [images, audio] = [await count(`/v1/images/?${q}`), await count(`/v1/audio/?${q}`)];
    const cases: [string, number][] = [
      ['aspect_ratio=wide', (await count(`/v1/images/?${q}&aspect_ratio=wide`)) + audio],
      ['size=small', (await count(`/v1/images/?${q}&size=small`)) + audio],
      ['length=short,shortest', images + (await count(`/v1/audio/?${q}&length=short,shortest`))],
      ['category=photograph', (await count(`/v1/images/?${q}&category=photograph`)) + audio],
      ['category=music', images + (await count(`/v1/audio/?${q}&category=music`))],
      ['color=red,blue,green', (await count(`/v1/images/?${q}&color=red,blue,green`)) + audio],
      [
        'category=photograph,music',
        (await count(`/v1/images/?${q}&category=photograph`)) + (await count(`/v1/audio/?${q}&category=music`)),
      ],
      ['license=by', (await count(`/v1/images/?${q}&license=by`)) + (await count(`/v1/audio/?${q}&license=by`))],
      [
        'license_type=commercial',
        (await count(`/v1/images/?${q}&license_type=commercial`)) + (await count(`/v1/audio/?${q}&license_type=commercial`)),
      ],
    ];
    for (const [filter, expected] of cases) {
      expect(await count(`/v1/search/?${q}&${filter}`), filter).toBe(expected);
    }
    // The filters narrowed something: the cases are not all the unfiltered total.
    expect(cases.filter(([, n]) => n !== images + audio).length).toBeGreaterThanOrEqual(4);
  });

  it('facets count both media; kind-only facets count their kind', async () => {
    const q = `q=${word}`;
    const { body } = await getJson<Envelope>(`/v1/search/?${q}&facets=license,aspect_ratio,length&facet_limit=100&${BASE}`);
    const images = (await getJson<Envelope>(`/v1/images/?${q}&facets=license,aspect_ratio&facet_limit=100&${BASE}`)).body.facets!;
    const audio = (await getJson<Envelope>(`/v1/audio/?${q}&facets=license,length&facet_limit=100&${BASE}`)).body.facets!;
    expect(body.facets!.aspect_ratio).toEqual(images.aspect_ratio);
    expect(body.facets!.length).toEqual(audio.length);
    for (const [license, n] of Object.entries(body.facets!.license)) {
      expect(n, license).toBe((images.license[license] ?? 0) + (audio.license[license] ?? 0));
    }
  });

  it('peaks=true adds waveforms to audio results only', async () => {
    const { results } = await all(`/v1/search/?q=${word}&peaks=true`);
    expect(results.some((r) => r.media_type === 'audio')).toBe(true);
    for (const r of results) expect(Array.isArray(r.peaks), `${r.media_type} ${r.id}`).toBe(r.media_type === 'audio');
  });

  it('colors=true adds dominant colours to image results only', async () => {
    const { results } = await all(`/v1/search/?q=${word}&colors=true`);
    expect(results.some((r) => r.media_type === 'image')).toBe(true);
    for (const r of results) expect(Array.isArray(r.colors), `${r.media_type} ${r.id}`).toBe(r.media_type === 'image');
  });

  it('an empty search suggests the query that finds works; a search that finds works carries none', async () => {
    const { body } = await getJson<Envelope>(`/v1/search/?q=${word}%20zqxjvw&${BASE}`);
    expect(body.result_count).toBe(0);
    expect(body.suggestion).toBe(word);
    const found = (await getJson<Envelope>(`/v1/search/?q=${word}&${BASE}`)).body;
    expect(found.result_count).toBeGreaterThan(0);
    expect(found).not.toHaveProperty('suggestion');
  });

  it('refuses bad parameters, naming them, like the media searches', async () => {
    for (const [query, name] of [
      ['aspect_ratio=round', 'aspect_ratio'],
      ['length=forever', 'length'],
      ['category=nope', 'category'],
      ['facets=nope', 'facets'],
      ['facet_limit=0&facets=source', 'facet_limit'],
      ['color=chartreuse', 'color'],
      ['language=xx', 'language'],
      ['page=0', 'page'],
      ['page=21', 'page'],
      ['license=nope', 'license'],
      ['mature=maybe', 'mature'],
      ['source=flickr&excluded_source=jamendo', 'non_field_errors'],
    ]) {
      const { body } = await getJson(`/v1/search/?q=${word}&${query}`, 400);
      expect(Object.keys(body.detail), query).toEqual([name]);
    }
    // Anonymous callers get at most 20 a page, as in the media searches.
    await getJson(`/v1/search/?q=${word}&page_size=21`, 401);
  });

  it('is cached under both media types generations', async () => {
    // A page size no other test uses: a key of its own.
    const path = `/v1/search/?q=${word}&page_size=3&filter_dead=false`;
    let cache: string | null = null;
    for (let i = 0; i < 5 && cache !== 'HIT'; i++) {
      const res = await get(path);
      expect(res.status).toBe(200);
      cache = res.headers.get('x-cache');
      if (cache !== 'HIT') await new Promise((r) => setTimeout(r, 1100));
    }
    expect(cache).toBe('HIT');
  });

  it('draws on the anonymous search budget, as suggestions do', async () => {
    const headers = { 'CF-Connecting-IP': uniqueIp() };
    const status = async (path: string) => {
      const res = await fetchWith(path, { headers }, { THROTTLE_ANON_BURST: '3/min' });
      await res.body?.cancel();
      return res.status;
    };
    // One budget for the media search, the search over all media and suggestions.
    expect(await status(`/v1/images/?q=${word}&filter_dead=false`)).toBe(200);
    expect(await status(`/v1/search/?q=${word}&filter_dead=false`)).toBe(200);
    expect(await status(`/v1/images/suggest/?q=${word.slice(0, 3)}`)).toBe(200);
    expect(await status(`/v1/search/?q=${word}&filter_dead=false&page=2`)).toBe(429);
    expect(await status(`/v1/audio/suggest/?q=${word.slice(0, 3)}`)).toBe(429);
  });
});
