/**
 * The refresh records each work's detected language in Postgres (`language` column) and
 * in its search document (a filterable field).
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../test/node-database.js';
import { LOCALIZED_IMAGES } from '../demo/languages.js';
import { loadDemoCatalog } from '../demo/load-demo.js';
import { refresh } from '../generations/refresh.js';
import { MeiliAdmin } from '../meili-admin.js';
import { upstreamPostgresSource } from '../sources/upstream-postgres.js';

let database: TestDatabase;
let client: pg.Client;
let meili: MeiliAdmin;
const prefix = `${inject('indexPrefix')}language_`;
// 300 demo images hold the first six localized works (rows 25, 75, …, 275).
const localized = LOCALIZED_IMAGES.slice(0, 6);

beforeAll(async () => {
  database = await createTestDatabase();
  client = new pg.Client({ connectionString: database.url });
  await client.connect();
  await loadDemoCatalog(client, { schema: 'upstream', images: 300, audio: 0, mediaBaseUrl: 'http://127.0.0.1:9' });
  meili = new MeiliAdmin(inject('meiliUrl'), inject('meiliMasterKey'));
  await refresh({
    mediaType: 'image',
    api: client,
    meili,
    indexPrefix: prefix,
    source: upstreamPostgresSource(client, 'image', { schema: 'upstream', batchSize: 100 }),
  });
});

afterAll(async () => {
  await client?.end();
  await database?.drop();
});

describe('detected languages in the ingest', () => {
  it('stores the language of each work in Postgres', async () => {
    const { rows } = await client.query<{ title: string; language: string | null }>(
      'select title, language from image where title = any($1::text[]) order by title',
      [localized.map((w) => w.title)],
    );
    expect(rows.map((r) => [r.title, r.language]).sort()).toEqual(localized.map((w) => [w.title, w.language]).sort());
    // The generated English catalog is mostly detected as English; short or mixed texts stay null.
    const { rows: counts } = await client.query<{ language: string | null; n: number }>(
      'select language, count(*)::int as n from image group by language order by n desc',
    );
    const total = counts.reduce((a, c) => a + c.n, 0);
    expect(counts[0].language).toBe('en');
    expect(counts[0].n / total).toBeGreaterThan(0.8);
  });

  it('puts the language in the search document, filterable', async () => {
    const docs = await meili.getDocuments(`${prefix}images`, { filter: 'language = "ja"', limit: 10 });
    const ja = localized.filter((w) => w.language === 'ja').map((w) => w.title);
    expect(docs.map((d) => d.title).sort()).toEqual([...ja].sort());
    expect(docs.every((d) => d.language === 'ja')).toBe(true);
    const { rows } = await client.query<{ n: number }>("select count(*)::int as n from image where language = 'de'");
    expect((await meili.getDocuments(`${prefix}images`, { filter: 'language = "de"', limit: 100 })).length).toBe(rows[0].n);
  });
});
