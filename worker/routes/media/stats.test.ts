import { env } from 'cloudflare:workers';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { z } from '@hono/zod-openapi';
import { createApp } from '../../app.js';
import { createMeiliClient } from '../../search/meili.js';
import { getJson, withDb } from '../../test-helpers.js';
import { SourceStatsSchema } from './stats.js';

/** Rows this file adds to `content_provider` (and removes afterwards). */
const HIDDEN = 'edgeverse_test_hidden_source';
const EMPTY = 'edgeverse_test_empty_source';

beforeAll(async () => {
  await withDb((db) =>
    db.execute(sql`insert into content_provider (provider_identifier, media_type, provider_name, domain_name, filter_content)
                   values (${HIDDEN}, 'image', 'Hidden Test Source', 'https://hidden.example', true),
                          (${EMPTY}, 'image', 'Empty Test Source', null, false)
                   on conflict do nothing`),
  );
});

afterAll(async () => {
  await withDb((db) => db.execute(sql`delete from content_provider where provider_identifier in (${HIDDEN}, ${EMPTY})`));
});

type Stat = z.infer<typeof SourceStatsSchema>;

/** Documents in the live index, mature included: an exhaustive count from Meilisearch. */
async function indexSize(index: 'images' | 'audio'): Promise<number> {
  const engine = createMeiliClient({ url: inject('meiliUrl'), apiKey: inject('meiliSearchKey'), timeoutMs: 10_000 });
  const { totalHits } = await engine.search(`${inject('indexPrefix')}${index}`, { q: '', page: 1, hitsPerPage: 0 });
  return totalHits!;
}

describe.each([
  ['images', 'image', 'images'],
  ['audio', 'audio', 'audio'],
] as const)('GET /v1/%s/stats/', (path, mediaType, fixtureKey) => {
  it('lists the sources by name with their document counts', async () => {
    const { body } = await getJson<Stat[]>(`/v1/${path}/stats/`);
    z.array(SourceStatsSchema).parse(body);
    expect(body.length).toBeGreaterThan(0);
    for (const s of body) expect(Object.keys(s)).toEqual(['source_name', 'display_name', 'source_url', 'logo_url', 'media_count']);
    const names = body.map((s) => s.source_name);
    expect(names).toEqual([...names].sort());
    expect(new Set(names).size).toBe(names.length);
    for (const s of body) if (s.media_count !== null) expect(s.media_count).toBeGreaterThan(0);
  });

  it('counts every document of the live index, mature ones included', async () => {
    const { body } = await getJson<Stat[]>(`/v1/${path}/stats/`);
    const total = body.reduce((sum, s) => sum + (s.media_count ?? 0), 0);
    // Every indexed document has a source, and the ingest adds each source it sees, so
    // the counts add up to the live index's size (asked of Meilisearch directly).
    expect(total).toBe(await indexSize(fixtureKey));
    // … which is what a search including mature works finds.
    const { body: all } = await getJson(`/v1/${path}/?page_size=1&mature=true`);
    expect(all.result_count).toBe(total);
    // Search hides mature works, so it finds at most as many.
    const { body: search } = await getJson(`/v1/${path}/?page_size=1`);
    expect(search.result_count).toBeLessThanOrEqual(total);
    // Each count is what a search restricted to that source finds, mature included.
    const biggest = body.reduce((a, b) => ((b.media_count ?? 0) > (a.media_count ?? 0) ? b : a));
    const { body: one } = await getJson(`/v1/${path}/?source=${biggest.source_name}&page_size=1&mature=true`);
    expect(one.result_count).toBe(Math.min(biggest.media_count!, 10_000));
  });

  it('validates search parameters here too (§2.3)', async () => {
    const { body } = await getJson(`/v1/${path}/stats/?page_size=100`, 401);
    expect(body).toEqual({ detail: 'Ensure this value is less than or equal to 20.' });
    const { body: bad } = await getJson(`/v1/${path}/stats/?page=0`, 400);
    expect(bad).toEqual({ detail: { page: ['Ensure this value is greater than or equal to 1.'] } });
  });

  it(`documents ${mediaType}_stats`, async () => {
    const { body } = await getJson('/v1/openapi.json');
    expect(body.paths[`/v1/${path}/stats/`].get.operationId).toBe(`${mediaType}_stats`);
  });
});

describe('GET /v1/images/stats/ and content_provider', () => {
  it('leaves out hidden sources and gives null for a source without documents', async () => {
    const { body } = await getJson<Stat[]>('/v1/images/stats/');
    expect(body.map((s) => s.source_name)).not.toContain(HIDDEN);
    expect(body.find((s) => s.source_name === EMPTY)).toEqual({
      source_name: EMPTY,
      display_name: 'Empty Test Source',
      source_url: null,
      logo_url: null,
      media_count: null,
    });
  });

  it('lists only sources of its media type', async () => {
    const { body: audio } = await getJson<Stat[]>('/v1/audio/stats/');
    expect(audio.map((s) => s.source_name)).not.toContain(EMPTY);
  });

  it('answers 503 when the database is unreachable', async () => {
    const app = createApp();
    const res = await app.request('/v1/images/stats/', {}, { ...env, NEON_WS_PROXY: '127.0.0.1:9' });
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({ detail: 'The database is unavailable. Try again shortly.' });
  });
});
