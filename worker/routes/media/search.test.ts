import { describe, expect, it } from 'vitest';
import { getJson, get, BASE } from '../../test-helpers.js';
import { searchResponseSchemaOf } from './schema.js';

const IMAGE_KEYS = [
  'id',
  'title',
  'indexed_on',
  'foreign_landing_url',
  'url',
  'creator',
  'creator_url',
  'license',
  'license_version',
  'license_url',
  'provider',
  'source',
  'category',
  'filesize',
  'filetype',
  'tags',
  'attribution',
  'fields_matched',
  'mature',
  'height',
  'width',
  'thumbnail',
  'detail_url',
  'related_url',
];
const AUDIO_KEYS = [
  'id',
  'title',
  'indexed_on',
  'foreign_landing_url',
  'url',
  'creator',
  'creator_url',
  'license',
  'license_version',
  'license_url',
  'provider',
  'source',
  'category',
  'genres',
  'filesize',
  'filetype',
  'tags',
  'alt_files',
  'attribution',
  'fields_matched',
  'mature',
  'audio_set',
  'duration',
  'bit_rate',
  'sample_rate',
  'thumbnail',
  'detail_url',
  'related_url',
  'waveform',
];

/** A word that occurs in the fixture: the first word of the first result's title. */
async function someTitleWord(media: 'images' | 'audio'): Promise<string> {
  const { body } = await getJson(`/v1/${media}/?page_size=20`);
  for (const r of body.results) {
    const word = (r.title ?? '').split(/\s+/).find((w: string) => /^[a-z]{4,}$/i.test(w));
    if (word) return word.toLowerCase();
  }
  throw new Error('no title word found in fixture');
}

describe('GET /v1/images/', () => {
  it('answers the envelope and results in the contract key order', async () => {
    const word = await someTitleWord('images');
    const { body, res } = await getJson(`/v1/images/?q=${encodeURIComponent(word)}`);
    expect(Object.keys(body)).toEqual(['result_count', 'page_count', 'page_size', 'page', 'results']);
    searchResponseSchemaOf('image').parse(body);
    expect(body.results.length).toBeGreaterThan(0);
    expect(body.results.length).toBeLessThanOrEqual(20);
    expect(body.page).toBe(1);
    expect(body.page_size).toBe(20);
    expect(body.result_count).toBeGreaterThanOrEqual(body.results.length);
    for (const r of body.results) {
      expect(Object.keys(r)).toEqual(IMAGE_KEYS);
      expect(r.fields_matched.length).toBeGreaterThan(0);
      expect(r.detail_url).toBe(`${BASE}/v1/images/${r.id}/`);
      expect(r.thumbnail).toBe(`${BASE}/v1/images/${r.id}/thumb/`);
      expect(r.mature).toBe(false);
      const haystack = [r.title, ...r.tags.map((t: { name: string }) => t.name)].join(' ').toLowerCase();
      if (r.fields_matched.includes('title')) expect(haystack).toContain(word.slice(0, 3));
    }
    expect(res.headers.get('x-request-id')).toMatch(/^[0-9a-f]{32}$/);
  });

  it('ranks title matches before description-only matches', async () => {
    const word = await someTitleWord('images');
    const { body } = await getJson(`/v1/images/?q=${encodeURIComponent(word)}&page_size=20`);
    const firstNonTitle = body.results.findIndex((r: any) => !r.fields_matched.includes('title'));
    const lastTitle = body.results.map((r: any) => r.fields_matched.includes('title')).lastIndexOf(true);
    if (firstNonTitle >= 0) expect(lastTitle).toBeLessThan(firstNonTitle);
  });

  it('pages without repeating an id', async () => {
    const seen = new Set<string>();
    for (let page = 1; page <= 5; page++) {
      const { body } = await getJson(`/v1/images/?page=${page}&page_size=10`);
      expect(body.page).toBe(page);
      for (const r of body.results) {
        expect(seen.has(r.id), `id ${r.id} repeated on page ${page}`).toBe(false);
        seen.add(r.id);
      }
    }
    expect(seen.size).toBe(50);
  });

  it('signals exhaustion on a short last page', async () => {
    const { body } = await getJson('/v1/images/?q=zzzzqqqxxyy');
    expect(body).toEqual({ result_count: 0, page_count: 0, page_size: 20, page: 1, results: [] });
  });

  it('a quoted phrase returns no more results than the same words unquoted', async () => {
    const { body: all } = await getJson('/v1/images/?page_size=20');
    const title: string = all.results.map((r: any) => r.title).find((t: string) => t && t.split(' ').length >= 3);
    const words = title.split(' ').slice(0, 2).join(' ');
    const { body: loose } = await getJson(`/v1/images/?q=${encodeURIComponent(words)}`);
    const { body: phrase } = await getJson(`/v1/images/?q=${encodeURIComponent(`"${words}"`)}`);
    expect(phrase.result_count).toBeGreaterThan(0);
    expect(phrase.result_count).toBeLessThanOrEqual(loose.result_count);
  });

  it.each([
    ['page=0', { page: ['Ensure this value is greater than or equal to 1.'] }],
    ['page=21', { page: ['Ensure this value is less than or equal to 20.'] }],
    ['page=abc', { page: ['A valid integer is required.'] }],
    ['page_size=0', { page_size: ['Ensure this value is greater than or equal to 1.'] }],
    ['q=%20%20', { q: ['This field may not be blank.'] }],
    ['page=x&page_size=-1', { page: ['A valid integer is required.'], page_size: ['Ensure this value is greater than or equal to 1.'] }],
  ])('rejects %s with a 400 naming the field', async (query, detail) => {
    const { body } = await getJson(`/v1/images/?${query}`, 400);
    expect(body).toEqual({ detail });
  });

  it('accepts integers written as 2.0, and the last of repeated parameters', async () => {
    const { body } = await getJson('/v1/images/?page=1&page=2.0&page_size=3');
    expect(body.page).toBe(2);
    expect(body.page_size).toBe(3);
  });

  it('treats an empty parameter as absent', async () => {
    const { body } = await getJson('/v1/images/?q=&page=&page_size=');
    expect(body.page).toBe(1);
    expect(body.page_size).toBe(20);
  });

  it('answers 401 for an anonymous page_size over 20, before other errors', async () => {
    const { body, res } = await getJson('/v1/images/?page_size=21&page=0', 401);
    expect(body).toEqual({ detail: 'Ensure this value is less than or equal to 20.' });
    expect(res.headers.get('www-authenticate')).toBe('Bearer realm="api"');
  });

  it('answers 200 for odd text: unbalanced quotes, filter syntax, very long q', async () => {
    for (const q of ['"unbalanced', 'a AND b OR mature = true', "'; drop table image; --", 'x'.repeat(1000), '🙂 ünïcödé', '(((']) {
      const { body } = await getJson(`/v1/images/?q=${encodeURIComponent(q)}`);
      expect(Array.isArray(body.results)).toBe(true);
      for (const r of body.results) expect(r.mature).toBe(false);
    }
  });

  it('redirects a path without the trailing slash, keeping the query string', async () => {
    const res = await get('/v1/images?q=dog&page=2');
    expect(res.status).toBe(301);
    expect(new URL(res.headers.get('location')!, BASE).toString()).toBe(`${BASE}/v1/images/?q=dog&page=2`);
  });
});

describe('GET /v1/audio/', () => {
  it('answers audio results in the contract key order', async () => {
    const word = await someTitleWord('audio');
    const { body } = await getJson(`/v1/audio/?q=${encodeURIComponent(word)}&page_size=5`);
    searchResponseSchemaOf('audio').parse(body);
    expect(body.results.length).toBeGreaterThan(0);
    for (const r of body.results) {
      expect(Object.keys(r)).toEqual(AUDIO_KEYS);
      expect(r.waveform).toBe(`${BASE}/v1/audio/${r.id}/waveform/`);
    }
  });
});
