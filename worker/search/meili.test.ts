/**
 * The engine wrapper against the real Meilisearch of the test run, a closed port and a
 * port that never answers: each failure becomes its API error, with its message.
 */
import { describe, expect, inject, it } from 'vitest';
import { ApiError } from '../errors.js';
import { MeilisearchApiError } from 'meilisearch';
import { createMeiliClient, searchError } from './meili.js';

const engine = (overrides: { url?: string; timeoutMs?: number } = {}) =>
  createMeiliClient({ url: inject('meiliUrl'), apiKey: inject('meiliSearchKey'), timeoutMs: 10_000, ...overrides });
const images = `${inject('indexPrefix')}images`;

async function failure(promise: Promise<unknown>): Promise<ApiError> {
  const err = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ApiError);
  return err as ApiError;
}

describe('createMeiliClient', () => {
  it('searches an index and answers its health probe', async () => {
    const res = await engine().search<{ id: string }>(images, { q: '', page: 1, hitsPerPage: 2, attributesToRetrieve: ['id'] });
    expect(res.hits).toHaveLength(2);
    expect(Object.keys(res.hits[0])).toEqual(['id']);
    expect(res.totalHits).toBeGreaterThan(2);
    expect(await engine().healthy()).toBe(true);
  });

  it('maps a missing index to search_unavailable', async () => {
    const err = await failure(engine().search(`${inject('indexPrefix')}nosuchindex`, { q: 'x' }));
    expect([err.code, err.message]).toEqual([
      'search_unavailable',
      'The search index is not built yet. Run a data refresh (`npm run ingest -- refresh`).',
    ]);
  });

  it('maps a request the engine rejects to search_failed with its code', async () => {
    const err = await failure(engine().search(images, { q: '', filter: 'no_such_field = 1' }));
    expect([err.code, err.message]).toEqual(['search_failed', 'The search engine rejected the query (invalid_search_filter).']);
  });

  it('maps a closed port to search_unavailable and an unhealthy probe', async () => {
    const dead = engine({ url: 'http://127.0.0.1:9' });
    const err = await failure(dead.search(images, { q: 'x' }));
    expect([err.code, err.message]).toEqual(['search_unavailable', 'The search engine is unavailable. Try again shortly.']);
    expect(await dead.healthy()).toBe(false);
  });

  it('maps an engine that never answers to search_timeout', async () => {
    const started = Date.now();
    const err = await failure(engine({ url: inject('silentUrl'), timeoutMs: 300 }).search(images, { q: 'x' }));
    expect([err.code, err.message]).toEqual(['search_timeout', 'The search engine did not answer in time. Try again shortly.']);
    expect(Date.now() - started).toBeLessThan(5000);
  });
  it('a filter or sort of a current option that the live index predates is a 503 saying to refresh; one no index has stays a bug', () => {
    const refused = (code: string, message: string) =>
      searchError(
        new MeilisearchApiError(new Response(null, { status: 400 }), { code, message, type: 'invalid_request', link: '' }),
      ) as ApiError;
    for (const [code, message] of [
      ['invalid_search_filter', 'Attribute `language` is not filterable. Available filterable attribute patterns are: `license`.'],
      ['invalid_search_filter', 'Attribute `color_names` is not filterable. Available filterable attribute patterns are: `license`.'],
      ['invalid_search_filter', 'Filter operator `>` is not allowed for the attribute `id`.'],
      ['invalid_search_sort', 'Attribute `id` is not sortable. Available sortable attributes are: `popularity`.'],
    ]) {
      const err = refused(code, message);
      expect([err.status, err.code], message).toEqual([503, 'search_unavailable']);
      expect(err.message).toMatch(/next data refresh/);
    }
    for (const [code, message] of [
      ['invalid_search_filter', 'Attribute `title` is not filterable. Available filterable attribute patterns are: `license`.'],
      ['invalid_search_filter', 'Filter operator `>` is not allowed for the attribute `license`.'],
      ['invalid_search_sort', 'Attribute `title` is not sortable. Available sortable attributes are: `popularity`.'],
    ]) {
      expect(refused(code, message).code, message).toBe('search_failed');
    }
  });

  it('the real engine refuses a comparison on an equality-only attribute: a bug of ours, search_failed', async () => {
    const err = await failure(engine().search(images, { q: '', filter: ['license > "a"'] }));
    expect(err.code).toBe('search_failed');
  });
});
