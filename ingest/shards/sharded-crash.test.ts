/**
 * Crash safety on a three-node network: `kill -9` of the refresh CLI while it reads and
 * pushes, inside the switch's transaction (held there by a lock this test takes), and
 * right after the switch commits (when it tells the Worker, before it drops the old
 * generation). After each kill search is on one complete generation (every shard's
 * index of the row's generation holds exactly that shard's rows), and the next run is
 * exact and leaves no orphan index on any node.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { expectServedWhole, imageIndexesOn, type NetworkFixture, startNetworkFixture } from '../../test/meili-network.js';
import { readGeneration } from '../generations/records.js';

const ROWS = 3000;
let f: NetworkFixture;
const prefix = `${inject('indexPrefix')}shardcrash_`;
const index = (generation: number) => `${prefix}images__${generation}`;

beforeAll(async () => {
  f = await startNetworkFixture({ count: 3, images: ROWS });
}, 180_000);

afterAll(async () => {
  await f?.close();
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
      DATABASE_URL: f.database.url,
      MEILI_NODES: JSON.stringify(f.nodes),
      INDEX_PREFIX: prefix,
      WORKER_URL: f.workerUrl,
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

async function stagingTables(): Promise<number> {
  const { rows } = await f.client.query(
    "select count(*)::int as n from pg_tables where schemaname = current_schema() and tablename like '%\\_new'",
  );
  return rows[0].n;
}

/** The rerun completes, with the same count, and leaves exactly the live and previous generations on every node. */
async function rerunIsExact(served: number): Promise<void> {
  expect(await refreshProcess().done).toBe(0);
  expect(await expectServedWhole(f)).toBe(served);
  const row = (await readGeneration(f.client, 'image'))!;
  expect(row.pending_index).toBeNull();
  expect(row.document_count).toBe(served);
  expect(await stagingTables()).toBe(0);
  for (const node of f.nodes)
    expect(await imageIndexesOn(f, node.name, prefix), `indexes on ${node.name}`).toEqual([row.previous_index, row.live_index].sort());
}

describe('kill -9 of a refresh on three shards', () => {
  let duration = 0;
  let served = 0;

  it('two full refreshes complete (baseline: a live and a previous generation)', async () => {
    expect(await refreshProcess().done).toBe(0);
    const run = refreshProcess();
    expect(await run.done).toBe(0);
    duration = Date.now() - run.started;
    served = await expectServedWhole(f);
    expect(served).toBeGreaterThan(ROWS * 0.9);
    expect(await readGeneration(f.client, 'image')).toMatchObject({ generation: 2, live_index: index(2), previous_index: index(1) });
  }, 180_000);

  it('while it reads and pushes, at several moments: the live generation stays whole, and the next run is exact', async () => {
    const before = (await readGeneration(f.client, 'image'))!;
    // Once documents are being indexed on the shards, then at moments through the run.
    const pushing = refreshProcess((line, run) => {
      if (/ reading .* indexed [1-9]/.test(line)) run.kill();
    });
    await pushing.done;
    expect(pushing.child.signalCode).toBe('SIGKILL');
    expect(await expectServedWhole(f)).toBe(served);
    for (const at of [0.15, 0.35, 0.55, 0.75, 0.95]) {
      const run = refreshProcess();
      await new Promise((r) => setTimeout(r, Math.round(duration * at)));
      run.kill();
      await run.done;
      // Either generation may be live (a late kill can land after the switch), whole either way.
      expect(await expectServedWhole(f), `kill at ${at}`).toBe(served);
    }
    const after = (await readGeneration(f.client, 'image'))!;
    expect(after.generation).toBeGreaterThanOrEqual(before.generation);
    await rerunIsExact(served);
  }, 300_000);

  it('inside the switch’s transaction: the old generation stays live, the new one is an orphan the next run removes', async () => {
    const before = (await readGeneration(f.client, 'image'))!;
    const building = index(Math.max(before.generation, before.previous_generation ?? 0) + 1);
    // The switch's first statement replaces image_prev: this lock holds it there.
    const locker = new pg.Client({ connectionString: f.database.url });
    await locker.connect();
    await locker.query('begin');
    await locker.query('lock table image_prev in access share mode');
    try {
      const run = refreshProcess();
      const deadline = Date.now() + 120_000;
      for (;;) {
        const { rows } = await f.client.query(
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
    expect(await readGeneration(f.client, 'image')).toEqual(before);
    expect(await expectServedWhole(f)).toBe(served);
    // The kill came after every shard was built: the new generation is on every node.
    for (const node of f.nodes) expect(await imageIndexesOn(f, node.name, prefix)).toContain(building);
    expect(await stagingTables()).toBe(1);
    await rerunIsExact(served);
  }, 180_000);

  it('right after the switch commits (telling the Worker): the new generation is live, the next run drops the old one', async () => {
    const before = (await readGeneration(f.client, 'image'))!;
    const run = refreshProcess();
    f.onNotify = () => run.kill();
    try {
      await run.done;
    } finally {
      f.onNotify = null;
    }
    expect(run.child.signalCode).toBe('SIGKILL');
    const after = (await readGeneration(f.client, 'image'))!;
    expect(after).toMatchObject({ previous_index: before.live_index, previous_generation: before.generation });
    expect(await expectServedWhole(f)).toBe(served);
    // Killed before its cleanup: the generation before the previous is still on every node.
    for (const node of f.nodes) expect(await imageIndexesOn(f, node.name, prefix)).toContain(before.previous_index);
    await rerunIsExact(served);
  }, 180_000);
});
