/**
 * Crash safety: `kill -9` of a refresh at many moments leaves search serving the
 * previous generation, and the next run completes with exact counts and no leftovers.
 * The state between the index swap and the table swap (too short to hit with a timer)
 * is produced with the promotion's own steps and handed to recovery.
 */
import { spawn } from 'node:child_process';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { generationIndexName, liveIndexName } from '../../model/search-index.js';
import { createTestDatabase, type TestDatabase } from '../../test/node-database.js';
import { loadDemoCatalog } from '../demo/load-demo.js';
import { markPending, readGeneration } from './records.js';
import { recover } from './recover.js';
import { MeiliAdmin } from '../meili-admin.js';
import { createStagingTables } from '../pipeline/load-postgres.js';

const ROWS = 6000;
let database: TestDatabase;
let client: pg.Client;
let meili: MeiliAdmin;
const prefix = `${inject('indexPrefix')}crash_`;
const live = liveIndexName('image', prefix);

function refreshProcess(): { done: Promise<number | null>; kill: () => void; started: number } {
  const child = spawn(process.execPath, ['--import', 'tsx', 'ingest/bin/ingest.ts', 'refresh', '--media', 'image'], {
    env: {
      ...process.env,
      DATABASE_URL: database.url,
      MEILI_URL: inject('meiliUrl'),
      MEILI_MASTER_KEY: inject('meiliMasterKey'),
      INDEX_PREFIX: prefix,
      EDGEVERSE_STATE_DIR: '/nonexistent',
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  const done = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  void done.then((code) => {
    if (code && code !== 0 && !child.killed) console.error(stderr);
  });
  return { done, kill: () => child.kill('SIGKILL'), started: Date.now() };
}

async function state() {
  const gen = await readGeneration(client, 'image');
  const rows = Number((await client.query('select count(*) from image')).rows[0].count);
  const docs = await meili.documentCount(live);
  const builds = (await meili.listIndexes()).filter((i) => i.startsWith(`${live}__`));
  const staging = Number(
    (await client.query("select count(*) from pg_tables where schemaname = current_schema() and tablename like '%\\_new'")).rows[0].count,
  );
  return { generation: gen?.generation, rows, docs, builds, staging, pending: gen?.pending_index ?? null };
}

beforeAll(async () => {
  database = await createTestDatabase();
  client = new pg.Client({ connectionString: database.url });
  await client.connect();
  await loadDemoCatalog(client, { schema: 'upstream', images: ROWS, audio: 10, mediaBaseUrl: 'http://127.0.0.1:9' });
  meili = new MeiliAdmin(inject('meiliUrl'), inject('meiliMasterKey'));
}, 120_000);

afterAll(async () => {
  await client?.end();
  await database?.drop();
});

describe('kill -9 during a refresh', () => {
  let duration = 0;
  let served = 0;

  it('a full refresh completes (baseline)', async () => {
    const run = refreshProcess();
    expect(await run.done).toBe(0);
    duration = Date.now() - run.started;
    const s = await state();
    expect(s.generation).toBe(1);
    expect(s.docs).toBe(s.rows);
    served = s.docs;
  }, 120_000);

  it('at ten moments leaves the live generation serving, and the next run is exact', async () => {
    const fractions = [0.05, 0.15, 0.25, 0.35, 0.45, 0.55, 0.65, 0.75, 0.85, 0.95];
    for (const f of fractions) {
      const before = await state();
      const run = refreshProcess();
      await new Promise((r) => setTimeout(r, Math.round(duration * f)));
      run.kill();
      await run.done;
      const after = await state();
      // Search serves a complete generation: either the previous one or, if the kill
      // landed after the promotion committed, the new one; never a half-built index.
      expect(after.docs, `kill at ${f}`).toBe(served);
      if (after.generation === before.generation) expect(after.rows).toBe(before.rows);
      const search = await meili.search(live, { q: '', limit: 1 });
      expect(search.hits.length).toBe(1);
    }
    const rerun = refreshProcess();
    expect(await rerun.done).toBe(0);
    const s = await state();
    expect(s.docs).toBe(served);
    expect(s.rows).toBe(served);
    expect(s.staging).toBe(0);
    expect(s.pending).toBeNull();
    expect(s.builds).toEqual([generationIndexName('image', s.generation!, prefix)]);
  }, 300_000);

  it('between the index swap and the table swap, recovery completes the promotion', async () => {
    const gen = (await readGeneration(client, 'image'))!;
    const target = generationIndexName('image', gen.generation + 1, prefix);
    // Reproduce the moment: staging loaded, pending committed, indexes swapped, then a crash.
    await createStagingTables(client, 'image');
    await client.query('insert into image_new select * from image');
    await meili.deleteIndex(target);
    await meili.createIndex(target);
    const docs = await meili.search(live, { q: '', limit: 10_000 });
    await meili.waitTask(await meili.addDocuments(target, docs.hits.map((d) => JSON.stringify(d)).join('\n')));
    await markPending(client, 'image', live, target);
    await meili.swap(target, live);
    expect((await state()).pending).toBe(target);

    expect(await recover(client, meili, 'image', prefix)).toBe('completed');
    const s = await state();
    expect(s.generation).toBe(gen.generation + 1);
    expect(s.pending).toBeNull();
    expect(s.staging).toBe(0);
    expect(s.docs).toBe(s.rows);
    expect(s.builds).toEqual([target]);
  }, 120_000);

  it('a pending promotion whose swap never happened is undone', async () => {
    const gen = (await readGeneration(client, 'image'))!;
    const target = generationIndexName('image', gen.generation + 1, prefix);
    await createStagingTables(client, 'image');
    await meili.createIndex(target);
    await markPending(client, 'image', live, target);
    expect(await recover(client, meili, 'image', prefix)).toBe('undone');
    const s = await state();
    expect(s.generation).toBe(gen.generation);
    expect(s.pending).toBeNull();
    expect(s.staging).toBe(0);
    expect(s.builds).not.toContain(target);
  }, 60_000);
});
