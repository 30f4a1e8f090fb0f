import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { DominantColor } from '../../model/colors.js';
import { createTestDatabase, type TestDatabase } from '../../test/node-database.js';
import { demoImageColors } from '../demo/media.js';
import { loadDemoCatalog } from '../demo/load-demo.js';
import { refresh } from '../generations/refresh.js';
import { MeiliAdmin } from '../meili-admin.js';
import { onNode, type Placement } from '../shards/placement.js';
import type { CatalogSource } from '../sources/source.js';
import { upstreamPostgresSource } from '../sources/upstream-postgres.js';
import { computeColors } from './color-job.js';

const IMAGES = 40;
const prefix = `${inject('indexPrefix')}colors_`;
let database: TestDatabase;
let client: pg.Client;
let meili: MeiliAdmin;
let live: Placement;
let deadId: string;

/** A refresh of the demo images; `meanwhile` runs once every row was read, before the checks and the promotion. */
const refreshImages = (meanwhile?: () => Promise<unknown>) => {
  const upstream = upstreamPostgresSource(client, 'image', { schema: 'upstream' });
  const source: CatalogSource = {
    ...upstream,
    async *batches() {
      yield* upstream.batches();
      await meanwhile?.();
    },
  };
  return refresh({ mediaType: 'image', api: client, meili, indexPrefix: prefix, source });
};

async function storedRows(): Promise<Map<string, { source_url: string; colors: DominantColor[] }>> {
  const { rows } = await client.query<{ identifier: string; source_url: string; colors: DominantColor[] }>(
    'select identifier::text, source_url, colors from image_color order by identifier',
  );
  return new Map(rows.map((r) => [r.identifier, { source_url: r.source_url, colors: r.colors }]));
}

/** Ids of the live index's documents matching a filter. */
async function idsWhere(filter: string): Promise<string[]> {
  const docs = await meili.getDocuments(`${prefix}images`, { filter, limit: 1000 });
  return docs.map((d) => String(d.id)).sort();
}

beforeAll(async () => {
  database = await createTestDatabase();
  client = new pg.Client({ connectionString: database.url });
  await client.connect();
  await loadDemoCatalog(client, { schema: 'upstream', images: IMAGES, audio: 1, mediaBaseUrl: inject('mediaUrl') });
  // One work whose picture the media server answers with 404: no thumbnail, a dead image URL.
  const dead = await client.query<{ identifier: string }>(
    `update upstream.image set thumbnail = null, url = $1 || '/dead/' || identifier || '.jpg'
      where id = (select min(id) from upstream.image where filetype <> 'svg') returning identifier::text`,
    [inject('mediaUrl')],
  );
  deadId = dead.rows[0].identifier;
  meili = new MeiliAdmin(inject('meiliUrl'), inject('meiliMasterKey'));
  await refreshImages();
  live = onNode(meili, `${prefix}images`);
});

afterAll(async () => {
  await client?.end();
  await database?.drop();
  await meili?.deleteIndexesWithPrefix(prefix);
});

describe('colour job', () => {
  it('refuses loopback media unless private hosts are allowed (the waveform rule)', async () => {
    const stats = await computeColors(client, { limit: 3, live });
    expect(stats.done).toBe(0);
    expect(stats.failed).toHaveLength(3);
    for (const f of stats.failed) expect(f.error).toMatch(/127\.0\.0\.1 is a private address/);
    expect((await storedRows()).size).toBe(0);
  });

  it("computes each demo image's known colours, stores them, sets them on the live documents, and reports failures by id", async () => {
    const { rows } = await client.query<{ identifier: string; source_url: string }>(
      'select identifier::text, coalesce(thumbnail, url) as source_url from image order by identifier',
    );
    const svg = rows.filter((r) => new URL(r.source_url).pathname.endsWith('.svg')).map((r) => r.identifier);
    const stats = await computeColors(client, { concurrency: 4, allowPrivate: true, live });
    const failed = new Map(stats.failed.map((f) => [f.id, f.error]));
    expect(failed.get(deadId)).toBe('HTTP 404');
    for (const id of svg) expect(failed.get(id)).toMatch(/not a JPEG, PNG or GIF image \(SVG\)/);
    expect(failed.size).toBe(1 + svg.length);
    expect(stats.done).toBe(rows.length - failed.size);
    expect(stats.indexed).toBe(stats.done);

    const stored = await storedRows();
    expect(stored.size).toBe(stats.done);
    for (const row of rows) {
      if (failed.has(row.identifier)) continue;
      const { field, disc } = demoImageColors(row.identifier);
      const got = stored.get(row.identifier)!;
      expect(got.source_url).toBe(row.source_url);
      // The field covers more of the picture than the disc (under 29 %), and nothing else shows.
      expect(
        got.colors.map((c) => c.name),
        row.identifier,
      ).toEqual([field, disc]);
      expect(got.colors[0].share).toBeGreaterThan(0.7);
      expect(got.colors[0].share + got.colors[1].share).toBeCloseTo(1, 1);
    }

    // The live documents carry them: `color_names` filters, `colors` as stored.
    for (const name of ['red', 'blue', 'white'] as const) {
      const want = [...stored].filter(([, r]) => r.colors.some((c) => c.name === name)).map(([id]) => id);
      expect(await idsWhere(`color_names = "${name}"`)).toEqual(want.sort());
    }
    const [someId, some] = [...stored][0];
    const [doc] = await meili.getDocuments(`${prefix}images`, { filter: `id = "${someId}"`, limit: 1 });
    expect(doc.colors).toEqual(some.colors);
    expect(doc.title).toBeTypeOf('string');
  });

  it('is idempotent: a re-run computes nothing new, and computing again gives the same colours', async () => {
    const before = await storedRows();
    const again = await computeColors(client, { allowPrivate: true, live });
    expect(again.done).toBe(0);
    expect(again.indexed).toBe(0);
    expect(again.failed.map((f) => f.id)).toContain(deadId);
    await client.query('delete from image_color');
    const recomputed = await computeColors(client, { allowPrivate: true, live });
    expect(recomputed.done).toBe(before.size);
    expect(await storedRows()).toEqual(before);
  });

  it('computes a work again once its thumbnail changed', async () => {
    const [id] = [...(await storedRows()).keys()];
    await client.query(`update image set thumbnail = coalesce(thumbnail, url) || '&v=2' where identifier = $1`, [id]);
    const stats = await computeColors(client, { allowPrivate: true, live });
    expect(stats.done).toBe(1);
    expect((await storedRows()).get(id)!.source_url).toMatch(/&v=2$/);
  });

  it('never creates a document for a work the live index does not hold', async () => {
    const stray = '00000000-0000-4000-8000-00000000c010';
    const [sample] = (await storedRows()).values();
    await client.query(`insert into image (identifier, created_on, updated_on, url, license) values ($1, now(), now(), $2, 'by')`, [
      stray,
      sample.source_url,
    ]);
    const documents = await meili.documentCount(`${prefix}images`);
    const stats = await computeColors(client, { allowPrivate: true, live });
    expect(stats.done).toBe(1);
    expect((await storedRows()).has(stray)).toBe(true);
    expect(await meili.documentCount(`${prefix}images`)).toBe(documents);
    expect(await idsWhere(`id = "${stray}"`)).toEqual([]);
    await client.query('delete from image where identifier = $1', [stray]);
  });

  it('a refresh serialises the stored colours into the new generation', async () => {
    await refreshImages();
    // The stray row is gone and the changed thumbnail is the catalog's again: its colours are stale, left out.
    const { rows } = await client.query<{ identifier: string }>(
      `select c.identifier::text from image_color c join image i using (identifier)
        where c.source_url = coalesce(i.thumbnail, i.url) and c.colors @> '[{"name":"green"}]'`,
    );
    expect(rows.length).toBeGreaterThan(0);
    expect(await idsWhere('color_names = "green"')).toEqual(rows.map((r) => r.identifier).sort());
  });

  it('colours computed while a refresh runs reach the generation it promotes', async () => {
    const { rows } = await client.query<{ identifier: string }>(
      'select identifier::text from image_color join image using (identifier) order by identifier limit 1',
    );
    const id = rows[0].identifier;
    await client.query('delete from image_color where identifier = $1', [id]);
    const { field } = demoImageColors(id);
    await refreshImages(async () => {
      // The job on its own connection, while the new generation is being built: its live
      // update goes to the generation about to be replaced.
      const other = new pg.Client({ connectionString: database.url });
      await other.connect();
      try {
        expect((await computeColors(other, { allowPrivate: true, live })).done).toBeGreaterThanOrEqual(1);
        expect((await storedRows()).has(id)).toBe(true);
      } finally {
        await other.end();
      }
    });
    expect(await idsWhere(`id = "${id}" AND color_names = "${field}"`)).toEqual([id]);
  });
});
