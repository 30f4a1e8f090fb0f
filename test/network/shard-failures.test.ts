/**
 * A sharded catalog under failure, through the Worker as `wrangler dev` runs it: three
 * Meilisearch nodes (one shard each) hold the fixture's documents; nodes are SIGKILLed
 * and restarted during traffic. Wanted (issue #14): no 5xx while most shards live;
 * answers without a shard say so (`X-Search-Missing-Shards`, `no-store`) and are never
 * cached; full answers once it is back; a dead coordinator is replaced by the next
 * node, and a shard whose first node is down is served by its replica; most shards gone is a 503 (or the last full answer, stale, as for any engine outage); a shard that lost its index is a missing shard, not
 * a 500.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { MeiliAdmin } from '../../ingest/meili-admin.js';
import { startMeiliNodes, startMeilisearch, type MeiliServer } from '../../scripts/stack/meilisearch.js';
import { freePort } from '../../scripts/stack/ports.js';
import { startWorker, type WorkerProcess } from '../../scripts/stack/wrangler.js';
import { copyCatalog, type NetworkCopy } from '../sharded-copy.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const SECRET = 'test-ingest-secret-0123456789';
const MASTER_KEY = 'shard-failures-master-key-0123456789';
// Dead-link filtering would check media URLs: not what these tests are about.
const QUERY = '/v1/images/?page_size=20&filter_dead=false';

interface Answer {
  status: number;
  cache: string | null;
  missing: string | null;
  cacheControl: string | null;
  count: number | null;
}

describe('a three-shard network with nodes failing, through the Worker', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'edgeverse-shard-failures-'));
  let servers: MeiliServer[] = [];
  let ports: number[] = [];
  let worker: WorkerProcess | undefined;
  let live: NetworkCopy['live'];
  let full: number;

  const ask = async (p = QUERY): Promise<Answer> => {
    const res = await fetch(`${worker!.url}${p}`);
    const body = (await res.json().catch(() => null)) as { result_count?: number } | null;
    return {
      status: res.status,
      cache: res.headers.get('x-cache'),
      missing: res.headers.get('x-search-missing-shards'),
      cacheControl: res.headers.get('cache-control'),
      count: body?.result_count ?? null,
    };
  };
  const kill = async (i: number) => {
    servers[i].process.kill('SIGKILL');
    await new Promise((r) => servers[i].process.once('exit', r));
  };
  const restart = async (i: number) => {
    servers[i] = await startMeilisearch({ dataDir: path.join(dir, `meilisearch-s${i}`), port: ports[i], masterKey: MASTER_KEY });
  };

  beforeAll(async () => {
    ports = [await freePort(), await freePort(), await freePort(), await freePort()];
    const net = await startMeiliNodes({ count: 4, dataDir: dir, ports, masterKey: MASTER_KEY });
    servers = net.servers;
    const prefix = `${inject('indexPrefix')}fail_`;
    // Three shards on s0-s2; s3 is a replica of s0 (the same documents).
    ({ live } = await copyCatalog(
      { url: inject('meiliUrl'), masterKey: inject('meiliMasterKey'), indexPrefix: inject('indexPrefix') },
      net.nodes.slice(0, 3),
      prefix,
    ));
    const s0 = new MeiliAdmin(net.nodes[0].url, MASTER_KEY);
    const s3 = new MeiliAdmin(net.nodes[3].url, MASTER_KEY);
    for (const mediaType of ['image', 'audio'] as const) {
      const { index } = live[mediaType];
      await s3.createIndex(index, await s0.getSettings(index));
      for (let offset = 0; ; offset += 1000) {
        const docs = await s0.getDocuments(index, { limit: 1000, offset });
        if (docs.length) await s3.waitTask(await s3.addDocuments(index, docs.map((d) => JSON.stringify(d)).join('\n')));
        if (docs.length < 1000) break;
      }
      expect(await s3.documentCount(index)).toBe(await s0.documentCount(index));
      live[mediaType].shards = [['s0', 's3'], ['s1'], ['s2']];
    }
    worker = await startWorker({
      root: ROOT,
      stateDir: path.join(dir, 'worker'),
      port: await freePort(),
      quiet: true,
      vars: {
        MEILI_URL: net.nodes
          .slice(0, 3)
          .map((n) => n.url)
          .join(','),
        MEILI_SEARCH_KEY: net.searchKey,
        MEILI_NETWORK: 'true',
        // A killed node refuses connections at once; a slow CI machine gets time.
        MEILI_TIMEOUT_MS: '5000',
        DATABASE_URL: inject('databaseUrl'),
        NEON_WS_PROXY: inject('bridgeUrl'),
        INDEX_PREFIX: prefix,
        INGEST_SECRET: SECRET,
        ENVIRONMENT: 'test',
        ALLOW_PRIVATE_MEDIA: 'true',
        // Every answer computed (a fresh cached copy would answer for a dead shard).
        CACHE_FRESH_SECONDS: '0',
        THROTTLE_ANON_BURST: '100000/min',
        THROTTLE_ANON_SUSTAINED: '1000000/day',
      },
    });
    for (const mediaType of ['image', 'audio'] as const) {
      const res = await fetch(`${worker.url}/internal/cache-generation`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${SECRET}`, 'Content-Type': 'application/json' },
        body: JSON.stringify({ media_type: mediaType, generation: `fail.${Date.now()}`, live: live[mediaType] }),
      });
      expect(res.status, await res.text()).toBe(200);
    }
    const first = await ask();
    expect(first.status).toBe(200);
    expect(first.missing).toBeNull();
    full = first.count!;
    expect(full).toBeGreaterThan(100);
  }, 240_000);

  afterAll(async () => {
    await worker?.close();
    await Promise.all(servers.map((s) => s.close().catch(() => {})));
    rmSync(dir, { recursive: true, force: true });
  });

  it('a shard killed during traffic: no 5xx, answers marked and uncached, full again when it returns', async () => {
    // Each answer is labelled with the phase it started and ended in: on a loaded machine a
    // request started while the node was down may reach the engine after its restart.
    const answers: { phase: string; a: Answer }[] = [];
    let phase = 'before';
    let stop = false;
    const traffic = async () => {
      while (!stop) {
        const started = phase;
        const a = await ask();
        answers.push({ phase: started === phase ? started : `${started}→${phase}`, a });
      }
    };
    const clients = [traffic(), traffic(), traffic()];
    await new Promise((r) => setTimeout(r, 1000));
    phase = 'killing';
    await kill(2);
    phase = 'down';
    await new Promise((r) => setTimeout(r, 3000));
    phase = 'restarting';
    await restart(2);
    phase = 'back';
    await new Promise((r) => setTimeout(r, 3000));
    stop = true;
    await Promise.all(clients);

    expect(
      answers.filter(({ a }) => a.status >= 500),
      'no 5xx',
    ).toEqual([]);
    const down = answers.filter(({ phase }) => phase === 'down');
    expect(down.length).toBeGreaterThan(1);
    for (const { a } of down) {
      expect(a.missing).toBe('s2');
      expect(a.cacheControl).toBe('no-store');
      // Computed and not stored: a cached copy of it could outlive the failure.
      expect(a.cache).toBe('BYPASS');
      expect(a.count).toBeLessThan(full);
    }
    const back = answers.filter(({ phase }) => phase === 'back');
    expect(back.length).toBeGreaterThan(1);
    for (const { a } of back) expect([a.missing, a.count]).toEqual([null, full]);
  }, 120_000);

  it('the coordinator down: the next node coordinates, and its shard is served by its replica', async () => {
    await kill(0);
    try {
      // s0 is the first MEILI_URL (the coordinator) and the first node of shard s0.
      expect(await ask()).toMatchObject({ status: 200, missing: null, count: full });
    } finally {
      await restart(0);
    }
    expect(await ask()).toMatchObject({ status: 200, missing: null, count: full });
  }, 120_000);

  it('a shard with both of its nodes down is missing', async () => {
    // `/v1/search/` federates both media's shards: the same shard is missing there.
    const allMedia = (pageSize: number) => ask(`/v1/search/?filter_dead=false&page_size=${pageSize}`);
    const fullAll = (await allMedia(19)).count!;
    await kill(0);
    await kill(3);
    try {
      const a = await ask();
      expect(a.status).toBe(200);
      expect(a.missing).toBe('s0');
      expect(a.count).toBeLessThan(full);
      // A page size of its own: no cached copy can stand in.
      const b = await allMedia(18);
      expect(b).toMatchObject({ status: 200, missing: 's0' });
      expect(b.count).toBeLessThan(fullAll);
    } finally {
      await restart(0);
      await restart(3);
    }
    expect(await ask()).toMatchObject({ status: 200, missing: null, count: full });
  }, 120_000);

  it('more than half of the shards gone: 503 with a JSON error', async () => {
    await kill(1);
    await kill(2);
    try {
      // Never asked before, so no stale copy can stand in.
      const res = await fetch(`${worker!.url}/v1/images/?q=never-asked-${Date.now()}&filter_dead=false`);
      expect(res.status).toBe(503);
      expect(((await res.json()) as { detail: string }).detail).toMatch(/2 of 3 shards/);
      // A query answered before gets its last full answer, as when one node is down (STALE).
      expect(await ask()).toMatchObject({ status: 200, cache: 'STALE', missing: null, count: full });
    } finally {
      await restart(1);
      await restart(2);
    }
    expect(await ask()).toMatchObject({ status: 200, missing: null, count: full });
  }, 120_000);

  it('a shard that lost its index is a missing shard, not a 500', async () => {
    await new MeiliAdmin(servers[1].url, MASTER_KEY).deleteIndex(live.image.index);
    const a = await ask();
    expect(a.status).toBe(200);
    expect(a.missing).toBe('s1');
    expect(a.count).toBeLessThan(full);
    // The other media type is untouched.
    expect(await ask('/v1/audio/?filter_dead=false')).toMatchObject({ status: 200, missing: null });
    // The health check names the shard (the first and only health call of this file: no memo).
    const health = await fetch(`${worker!.url}/healthcheck/?check_es`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: '200 OK', shards: { s0: 'ok', s1: 'down', s2: 'ok' } });
  }, 60_000);
});
