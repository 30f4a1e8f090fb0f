/**
 * Crash safety on a three-node network: `kill -9` of the refresh CLI while it reads and
 * pushes, inside the switch's transaction (held there by a lock this test takes), and
 * right after the switch commits (when it tells the Worker, before it drops the old
 * generation). After each kill search is on one complete generation (every shard's
 * index of the row's generation holds exactly that shard's rows), and the next run is
 * exact and leaves no orphan index on any node.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startMeiliNodes } from '../../scripts/stack/meilisearch.js';
import { freePort } from '../../scripts/stack/ports.js';
import { createTestDatabase, type TestDatabase } from '../../test/node-database.js';
import { loadDemoCatalog } from '../demo/load-demo.js';
import { readGeneration } from '../generations/records.js';
import { MeiliAdmin } from '../meili-admin.js';
import { shardOf } from './partition.js';
import type { NodeConfig } from './topology.js';

const ROWS = 3000;
const tmp = mkdtempSync(path.join(os.tmpdir(), 'edgeverse-shard-crash-'));
let network: Awaited<ReturnType<typeof startMeiliNodes>>;
let nodes: NodeConfig[];
let database: TestDatabase;
let client: pg.Client;
let worker: Server;
/** Called when the refresh tells the Worker (right after its switch committed), before the answer. */
let onNotify: (() => void) | null = null;
const prefix = `${inject('indexPrefix')}shardcrash_`;
const index = (generation: number) => `${prefix}images__${generation}`;

beforeAll(async () => {
  const ports = [await freePort(), await freePort(), await freePort()];
  network = await startMeiliNodes({ count: 3, dataDir: tmp, ports, masterKey: randomBytes(16).toString('hex') });
  nodes = network.nodes;
  worker = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      onNotify?.();
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => worker.listen(0, '127.0.0.1', resolve));
  database = await createTestDatabase();
  client = new pg.Client({ connectionString: database.url });
  await client.connect();
  await loadDemoCatalog(client, { schema: 'upstream', images: ROWS, audio: 10, mediaBaseUrl: 'http://127.0.0.1:9' });
}, 180_000);

afterAll(async () => {
  await network?.close();
  await new Promise((resolve) => worker?.close(resolve));
  await client?.end();
  await database?.drop();
  rmSync(tmp, { recursive: true, force: true });
});

interface Run {
  child: ChildProcess;
  done: Promise<number | null>;
  kill: () => void;
  started: number;
}

/** `npm run ingest -- refresh --media image` on the network; `onLine` sees each progress line. */
function refreshProcess(onLine?: (line: string, run: Run) => void): Run {
  const child = spawn(process.execPath, ['--import', 'tsx', 'ingest/bin/ingest.ts', 'refresh', '--media', 'image'], {
    env: {
      ...process.env,
      DATABASE_URL: database.url,
      MEILI_NODES: JSON.stringify(nodes),
      INDEX_PREFIX: prefix,
      WORKER_URL: `http://127.0.0.1:${(worker.address() as AddressInfo).port}`,
      INGEST_SECRET: 'shard-crash-secret-0123456789',
      EDGEVERSE_STATE_DIR: '/nonexistent',
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const run: Run = {
    child,
    done: new Promise((resolve) => child.once('exit', (code) => resolve(code))),
    kill: () => child.kill('SIGKILL'),
    started: Date.now(),
  };
  let stderr = '';
  let partial = '';
  child.stderr!.on('data', (d: Buffer) => {
    stderr += d;
    const lines = (partial + d).split('\n');
    partial = lines.pop()!;
    for (const line of lines) onLine?.(line, run);
  });
  void run.done.then((code) => {
    if (code && !child.killed) console.error(stderr);
  });
  return run;
}

function admin(node: NodeConfig): MeiliAdmin {
  return new MeiliAdmin(node.url, node.masterKey);
}

async function generationsOn(node: NodeConfig): Promise<string[]> {
  return (await admin(node).listIndexes()).filter((uid) => uid.startsWith(`${prefix}images`)).sort();
}

async function stagingTables(): Promise<number> {
  const { rows } = await client.query(
    "select count(*)::int as n from pg_tables where schemaname = current_schema() and tablename like '%\\_new'",
  );
  return rows[0].n;
}

/**
 * Search is on one complete generation: the row names it, and on every node of each of
 * its shards its index holds exactly the live table's rows of that shard. Returns its
 * document count.
 */
async function servedWhole(): Promise<number> {
  const row = (await readGeneration(client, 'image'))!;
  const ids = (await client.query<{ id: string }>('select identifier::text as id from image')).rows.map((r) => r.id).sort();
  const shards = row.shards!;
  expect(shards).toEqual([['s0'], ['s1'], ['s2']]);
  for (const [s, names] of shards.entries()) {
    const expected = ids.filter((id) => shardOf(id, shards.length) === s);
    for (const name of names) {
      const node = nodes.find((n) => n.name === name)!;
      const { hits } = await admin(node).search(row.live_index, { q: '', limit: 10_000, attributesToRetrieve: ['id'] });
      expect(hits.map((h) => h.id).sort(), `${row.live_index} on ${name}`).toEqual(expected);
    }
  }
  return ids.length;
}

/** The rerun completes, with the same count, and leaves exactly the live and previous generations on every node. */
async function rerunIsExact(served: number): Promise<void> {
  expect(await refreshProcess().done).toBe(0);
  expect(await servedWhole()).toBe(served);
  const row = (await readGeneration(client, 'image'))!;
  expect(row.pending_index).toBeNull();
  expect(row.document_count).toBe(served);
  expect(await stagingTables()).toBe(0);
  for (const node of nodes)
    expect(await generationsOn(node), `indexes on ${node.name}`).toEqual([row.previous_index, row.live_index].sort());
}

describe('kill -9 of a refresh on three shards', () => {
  let duration = 0;
  let served = 0;

  it('two full refreshes complete (baseline: a live and a previous generation)', async () => {
    expect(await refreshProcess().done).toBe(0);
    const run = refreshProcess();
    expect(await run.done).toBe(0);
    duration = Date.now() - run.started;
    served = await servedWhole();
    expect(served).toBeGreaterThan(ROWS * 0.9);
    expect(await readGeneration(client, 'image')).toMatchObject({ generation: 2, live_index: index(2), previous_index: index(1) });
  }, 180_000);

  it('while it reads and pushes, at several moments: the live generation stays whole, and the next run is exact', async () => {
    const before = (await readGeneration(client, 'image'))!;
    // Once documents are being indexed on the shards, then at moments through the run.
    const pushing = refreshProcess((line, run) => {
      if (/ reading .* indexed [1-9]/.test(line)) run.kill();
    });
    await pushing.done;
    expect(pushing.child.signalCode).toBe('SIGKILL');
    expect(await servedWhole()).toBe(served);
    for (const f of [0.15, 0.35, 0.55, 0.75, 0.95]) {
      const run = refreshProcess();
      await new Promise((r) => setTimeout(r, Math.round(duration * f)));
      run.kill();
      await run.done;
      // Either generation may be live (a late kill can land after the switch), whole either way.
      expect(await servedWhole(), `kill at ${f}`).toBe(served);
    }
    const after = (await readGeneration(client, 'image'))!;
    expect(after.generation).toBeGreaterThanOrEqual(before.generation);
    await rerunIsExact(served);
  }, 300_000);

  it('inside the switch’s transaction: the old generation stays live, the new one is an orphan the next run removes', async () => {
    const before = (await readGeneration(client, 'image'))!;
    const building = index(Math.max(before.generation, before.previous_generation ?? 0) + 1);
    // The switch's first statement replaces image_prev: this lock holds it there.
    const locker = new pg.Client({ connectionString: database.url });
    await locker.connect();
    await locker.query('begin');
    await locker.query('lock table image_prev in access share mode');
    try {
      const run = refreshProcess();
      const deadline = Date.now() + 120_000;
      for (;;) {
        const { rows } = await client.query(
          `select count(*)::int as n from pg_stat_activity
            where datname = current_database() and wait_event_type = 'Lock' and query like 'drop table if exists image_prev%'`,
        );
        if (rows[0].n > 0) break;
        expect(Date.now(), 'the refresh never reached its switch').toBeLessThan(deadline);
        await new Promise((r) => setTimeout(r, 100));
      }
      run.kill();
      await run.done;
    } finally {
      await locker.query('rollback');
      await locker.end();
    }
    expect(await readGeneration(client, 'image')).toEqual(before);
    expect(await servedWhole()).toBe(served);
    // The kill came after every shard was built: the new generation is on every node.
    for (const node of nodes) expect(await generationsOn(node)).toContain(building);
    expect(await stagingTables()).toBe(1);
    await rerunIsExact(served);
  }, 180_000);

  it('right after the switch commits (telling the Worker): the new generation is live, the next run drops the old one', async () => {
    const before = (await readGeneration(client, 'image'))!;
    const run = refreshProcess();
    onNotify = () => run.kill();
    try {
      await run.done;
    } finally {
      onNotify = null;
    }
    expect(run.child.signalCode).toBe('SIGKILL');
    const after = (await readGeneration(client, 'image'))!;
    expect(after).toMatchObject({ previous_index: before.live_index, previous_generation: before.generation });
    expect(await servedWhole()).toBe(served);
    // Killed before its cleanup: the generation before the previous is still on every node.
    for (const node of nodes) expect(await generationsOn(node)).toContain(before.previous_index);
    await rerunIsExact(served);
  }, 180_000);
});
