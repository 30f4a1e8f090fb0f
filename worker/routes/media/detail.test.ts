import { describe, expect, it } from 'vitest';
import { getJson } from '../../test-helpers.js';
import { resultSchemaOf } from './schema.js';

describe.each([
  ['images', 'image'],
  ['audio', 'audio'],
] as const)('GET /v1/%s/{id}/', (path, mediaType) => {
  it('returns the stored record, equal to its search result', async () => {
    const { body: search } = await getJson(`/v1/${path}/?page_size=3`);
    for (const hit of search.results) {
      const { body } = await getJson(`/v1/${path}/${hit.id}/`);
      resultSchemaOf(mediaType).parse(body);
      expect(body).toEqual({ ...hit, fields_matched: [] });
    }
  });

  it('answers 404 JSON for an unknown identifier', async () => {
    const { body } = await getJson(`/v1/${path}/4bc43a04-ef46-4544-a0c1-63c63f56e276/`, 404);
    expect(body).toEqual({ detail: 'Not found.' });
  });

  it.each(['abcd', '4BC43A04-EF46-4544-A0C1-63C63F56E276', '4bc43a04-ef46-1544-a0c1-63c63f56e276', "1'%20or%20'1'='1"])(
    'answers 404 JSON for a malformed identifier %s',
    async (id) => {
      const { body } = await getJson(`/v1/${path}/${id}/`, 404);
      expect(body).toEqual({ detail: 'Not found.' });
    },
  );

  it('validates search parameters here too (anonymous page_size → 401)', async () => {
    const { body: search } = await getJson(`/v1/${path}/?page_size=1`);
    await getJson(`/v1/${path}/${search.results[0].id}/?page_size=100`, 401);
  });
});

describe('GET /v1/images/{id}/watermark/', () => {
  it('answers the documented 404 (the feature is off, as in Openverse)', async () => {
    const { body: search } = await getJson('/v1/images/?page_size=1');
    const { body } = await getJson(`/v1/images/${search.results[0].id}/watermark/`, 404);
    expect(body).toEqual({ detail: 'The watermark feature is currently disabled.' });
  });
});
