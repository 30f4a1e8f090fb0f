import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../test/node-database.js';
import { hasSharedData, sharedAudioFiles, sharedImageFiles, SHARED_DATA_MISSING } from '../../test/shared-data.js';
import { loadDemoCatalog } from '../demo/load-demo.js';
import { MeiliAdmin } from '../meili-admin.js';
import { refresh, type RefreshOptions } from './refresh.js';
import { fileSource } from '../sources/files.js';
import { chainSources, type CatalogSource } from '../sources/source.js';
import { upstreamPostgresSource } from '../sources/upstream-postgres.js';

let database: TestDatabase;
let client: pg.Client;
let meili: MeiliAdmin;
const prefix = `${inject('indexPrefix')}refresh_`;

beforeAll(async () => {
  database = await createTestDatabase();
  client = new pg.Client({ connectionString: database.url });
  await client.connect();
  await loadDemoCatalog(client, { schema: 'upstream', images: 300, audio: 60, mediaBaseUrl: 'http://127.0.0.1:9' });
  meili = new MeiliAdmin(inject('meiliUrl'), inject('meiliMasterKey'));
});

afterAll(async () => {
  await client?.end();
  await database?.drop();
});

function opts(source: CatalogSource, mediaType: 'image' | 'audio' = 'image'): RefreshOptions {
  return { mediaType, api: client, meili, indexPrefix: prefix, source, batchBytes: 64 * 1024 };
}

async function count(sql: string): Promise<number> {
  return Number((await client.query<{ n: string }>(sql)).rows[0].n);
}

const demoImages = () => upstreamPostgresSource(client, 'image', { schema: 'upstream', batchSize: 100 });

describe('refresh', () => {
  it('builds, checks and promotes a generation; tables and index agree', async () => {
    const stats = await refresh(opts(demoImages()));
    expect(stats.generation).toBe(1);
    expect(stats.read).toBe(300);
    expect(stats.indexed).toBe(stats.loaded);
    expect(stats.indexed + stats.skipped).toBe(300);
    expect(await count('select count(*) as n from image')).toBe(stats.indexed);
    expect(await meili.documentCount(`${prefix}images`)).toBe(stats.indexed);
    // The first generation is renamed into place: no leftover build index.
    expect((await meili.listIndexes()).filter((i) => i.startsWith(`${prefix}images__`))).toEqual([]);
    const gen = await client.query('select generation, previous_index, document_count from search_generation where media_type = $1', [
      'image',
    ]);
    expect(gen.rows[0]).toEqual({ generation: 1, previous_index: null, document_count: stats.indexed });
    expect(await count("select count(*) as n from pg_tables where tablename like '%\\_new'")).toBe(0);
  });

  it('swaps a second generation in and keeps the previous one for rollback', async () => {
    const stats = await refresh(opts(demoImages()));
    expect(stats.generation).toBe(2);
    const builds = (await meili.listIndexes()).filter((i) => i.startsWith(`${prefix}images__`));
    expect(builds).toEqual([`${prefix}images__2`]);
    expect(await meili.documentCount(`${prefix}images__2`)).toBe(stats.indexed);
    // Indexes of the swapped-in table carry the live names, so migrations still find them.
    const indexes = await client.query<{ indexname: string }>(
      "select indexname from pg_indexes where schemaname = current_schema() and tablename = 'image' order by 1",
    );
    expect(indexes.rows.map((r) => r.indexname)).toEqual(['image_pkey', 'image_source_idx', 'image_updated_on_idx']);
  });

  it('leaves the live index and tables untouched when a refresh fails midway', async () => {
    const before = await count('select count(*) as n from image');
    const failing: CatalogSource = {
      describe: 'failing',
      count: async () => 300,
      async *batches() {
        for await (const batch of demoImages().batches()) {
          yield batch;
          throw new Error('upstream connection lost');
        }
      },
    };
    await expect(refresh(opts(failing))).rejects.toThrow('upstream connection lost');
    expect(await count('select count(*) as n from image')).toBe(before);
    expect(await meili.documentCount(`${prefix}images`)).toBe(before);
    expect((await client.query('select generation from search_generation where media_type = $1', ['image'])).rows[0].generation).toBe(2);
    expect((await meili.listIndexes()).filter((i) => i.startsWith(`${prefix}images__`))).toEqual([`${prefix}images__2`]);
    expect(await count("select count(*) as n from pg_tables where tablename like '%\\_new'")).toBe(0);
  });

  it('skips, counts and reports malformed rows without aborting', async () => {
    const bad: CatalogSource = {
      describe: 'malformed',
      count: async () => 4,
      async *batches() {
        yield [
          { identifier: 'nope', license: 'by', url: 'https://example.org/a.jpg', created_on: '2020-01-01' },
          {
            identifier: '11111111-1111-4111-8111-111111111111',
            license: '???',
            url: 'https://example.org/b.jpg',
            created_on: '2020-01-01',
          },
          { identifier: '22222222-2222-4222-8222-222222222222', license: 'by', url: null, created_on: '2020-01-01' },
          {
            identifier: '33333333-3333-4333-8333-333333333333',
            license: 'BY',
            url: 'example.org/c.jpg',
            created_on: '2020-01-01',
            width: 'wide',
            tags: '{oops',
            meta_data: '[1,2',
          },
        ];
      },
    };
    const stats = await refresh(opts(chainSources([demoImages(), bad])));
    expect(stats.skippedByReason).toMatchObject({ invalid_identifier: 1, unknown_license: 1, invalid_url: 1 });
    expect(stats.skippedSample).toEqual(
      expect.arrayContaining([
        { id: 'nope', reason: 'invalid_identifier' },
        { id: '11111111-1111-4111-8111-111111111111', reason: 'unknown_license' },
      ]),
    );
    const row = await client.query("select url, width, tags from image where identifier = '33333333-3333-4333-8333-333333333333'");
    expect(row.rows[0]).toEqual({ url: 'https://example.org/c.jpg', width: null, tags: [] });
  });
});

describe.skipIf(!hasSharedData)('refresh from the real catalog samples', () => {
  if (!hasSharedData) console.warn(SHARED_DATA_MISSING);

  it('ingests every image TSV format and normalises provider quirks', async () => {
    const files = sharedImageFiles();
    const stats = await refresh(opts(chainSources(files.map((f) => fileSource(f)))));
    expect(stats.read).toBeGreaterThanOrEqual(480);
    expect(stats.indexed).toBeGreaterThan(stats.read * 0.9);
    const providers = (await client.query<{ provider: string }>('select distinct provider from image')).rows.map((r) => r.provider);
    expect(providers).toEqual(expect.arrayContaining(['nypl', 'met', 'phylopic', 'brooklynmuseum']));
    expect(providers.every((p) => p === p.toLowerCase())).toBe(true);
    const licenses = (await client.query<{ license: string }>('select distinct license from image')).rows.map((r) => r.license);
    expect(licenses).toEqual(expect.arrayContaining(['cc0', 'pdm', 'by', 'by-sa']));
    expect(licenses.every((l) => l === l.toLowerCase())).toBe(true);
    expect(await count("select count(*) as n from image where url !~ '^https?://'")).toBe(0);
    expect(await count("select count(*) as n from image where title like '%&ndash;%' or title like '%&amp;%'")).toBe(0);
  });

  it('ingests the audio CSV export (quoted JSON, retired sampling licences)', async () => {
    const stats = await refresh(opts(fileSource(sharedAudioFiles()[0]), 'audio'));
    expect(stats.read).toBe(100);
    expect(stats.indexed).toBe(100 - stats.skipped);
    const licenses = (await client.query<{ license: string }>('select distinct license from audio')).rows.map((r) => r.license);
    expect(licenses).toEqual(expect.arrayContaining(['sampling+']));
    const doc = await meili.search(`${prefix}audio`, { q: '', limit: 1, filter: 'license = "sampling+"' });
    expect(doc.hits[0]).toMatchObject({ license: 'sampling+' });
  });
});
