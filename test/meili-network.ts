/**
 * A Meilisearch network for a Node test file: embedded nodes `s0`… joined into one
 * network (fresh data folders), a database of its own loaded with the demo catalog, and
 * a stand-in for the Worker's cache-generation endpoint that records what the ingest
 * tells it. Plus the check every sharded test makes: the live generation is whole.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { expect } from 'vitest';
import { loadDemoCatalog } from '../ingest/demo/load-demo.js';
import { readGeneration } from '../ingest/generations/records.js';
import { MeiliAdmin } from '../ingest/meili-admin.js';
import { shardOf } from '../ingest/shards/partition.js';
import type { NodeConfig } from '../ingest/shards/topology.js';
import { startMeiliNodes } from '../scripts/stack/meilisearch.js';
import { freePort } from '../scripts/stack/ports.js';
import { createTestDatabase, type TestDatabase } from './node-database.js';

/** One cache-generation call of the ingest, as the Worker receives it. */
export interface Told {
  media_type: string;
  generation: string;
  live?: { index: string; shards: string[][] | null };
}

export interface NetworkFixture {
  nodes: NodeConfig[];
  database: TestDatabase;
  client: pg.Client;
  /** The Worker stand-in's URL (`WORKER_URL`). */
  workerUrl: string;
  /** What the ingest told the Worker, in order. */
  told: Told[];
  /** Called when the ingest tells the Worker, before it is answered (a test kills it there). */
  onNotify: (() => void) | null;
  /** A master-key client of a node, by name. */
  admin(name: string): MeiliAdmin;
  close(): Promise<void>;
}

export async function startNetworkFixture(opts: { count: number; images: number }): Promise<NetworkFixture> {
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'edgeverse-network-'));
  const cleanups: (() => Promise<unknown>)[] = [async () => rmSync(tmp, { recursive: true, force: true })];
  const close = async () => {
    for (const c of cleanups.reverse()) await c().catch((err) => console.error('network fixture cleanup:', err));
  };
  try {
    const ports = await Promise.all(Array.from({ length: opts.count }, () => freePort()));
    const network = await startMeiliNodes({ count: opts.count, dataDir: tmp, ports, masterKey: randomBytes(16).toString('hex') });
    cleanups.push(() => network.close());
    const told: Told[] = [];
    const worker = createServer((req, res) => {
      let body = '';
      req.on('data', (d) => (body += d));
      req.on('end', () => {
        if (req.url === '/internal/cache-generation') told.push(JSON.parse(body));
        fixture.onNotify?.();
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    });
    await new Promise<void>((resolve) => worker.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise((resolve) => worker.close(resolve)));
    const database = await createTestDatabase();
    cleanups.push(() => database.drop());
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    cleanups.push(() => client.end());
    await loadDemoCatalog(client, { schema: 'upstream', images: opts.images, audio: 10, mediaBaseUrl: 'http://127.0.0.1:9' });
    const fixture: NetworkFixture = {
      nodes: network.nodes,
      database,
      client,
      workerUrl: `http://127.0.0.1:${(worker.address() as AddressInfo).port}`,
      told,
      onNotify: null,
      admin: (name) => {
        const node = network.nodes.find((n) => n.name === name)!;
        return new MeiliAdmin(node.url, node.masterKey);
      },
      close,
    };
    return fixture;
  } catch (err) {
    await close();
    throw err;
  }
}

/** The ids a node's index holds, sorted. */
export async function idsOn(f: NetworkFixture, name: string, uid: string): Promise<string[]> {
  const { hits } = await f.admin(name).search(uid, { q: '', limit: 10_000, attributesToRetrieve: ['id'] });
  return hits.map((h) => h.id as string).sort();
}

/** The image indexes (of this prefix) on a node, sorted. */
export async function imageIndexesOn(f: NetworkFixture, name: string, prefix: string): Promise<string[]> {
  return (await f.admin(name).listIndexes()).filter((uid) => uid.startsWith(`${prefix}images`)).sort();
}

/** The identifiers of a table, sorted. */
export async function tableIds(f: NetworkFixture, table = 'image'): Promise<string[]> {
  return (await f.client.query<{ id: string }>(`select identifier::text as id from ${table}`)).rows.map((r) => r.id).sort();
}

/**
 * Search is on one complete image generation: the row names it, and on every node of
 * each of its shards its index holds exactly the live table's ids of that shard (none
 * of them empty). Returns the generation's document count.
 */
export async function expectServedWhole(f: NetworkFixture): Promise<number> {
  const row = (await readGeneration(f.client, 'image'))!;
  const ids = await tableIds(f);
  const shards = row.shards!;
  expect(shards, 'the live generation is on the network').not.toBeNull();
  for (const [s, names] of shards.entries()) {
    const expected = ids.filter((id) => shardOf(id, shards.length) === s);
    expect(expected.length, `shard ${s} is empty: the test catalog is too small`).toBeGreaterThan(0);
    for (const name of names) expect(await idsOn(f, name, row.live_index), `${row.live_index} on ${name}`).toEqual(expected);
  }
  return ids.length;
}
