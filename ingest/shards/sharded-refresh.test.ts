/**
 * The ingest on a three-node Meilisearch network (one shard per node): each document on
 * its shard's node only, the generation row as the one switch, rollback by pointer,
 * updates and moderation routed by shard, a change of shard count, and the faults that
 * must stop a task before anything served changes. The Worker is a small HTTP server
 * that records what the ingest tells it.
 */
import { Meilisearch } from 'meilisearch';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { expectServedWhole, idsOn, imageIndexesOn, type NetworkFixture, startNetworkFixture, tableIds } from '../../test/meili-network.js';
import { freePort } from '../../scripts/stack/ports.js';
import type { IngestConfig } from '../config.js';
import { readGeneration } from '../generations/records.js';
import { refresh, type RefreshStats } from '../generations/refresh.js';
import { resolveReport } from '../moderation/moderation.js';
import { UPSTREAM_IMAGE_COLUMNS } from '../sources/upstream-schema.js';
import { upstreamPostgresSource } from '../sources/upstream-postgres.js';
import type { CatalogSource } from '../sources/source.js';
import type { Progress } from '../tasks/progress.js';
import { runTask } from '../tasks/run-task.js';
import { shardOf } from './partition.js';
import { type NodeConfig, parseTopology } from './topology.js';

let f: NetworkFixture;
let nodes: NodeConfig[];
let config: IngestConfig;
const prefix = `${inject('indexPrefix')}shards_`;
const index = (generation: number) => `${prefix}images__${generation}`;

beforeAll(async () => {
  f = await startNetworkFixture({ count: 3, images: 600 });
  nodes = f.nodes;
  config = {
    databaseUrl: f.database.url,
    upstreamUrl: f.database.url,
    upstreamSchema: 'upstream',
    meiliUrl: nodes[0].url,
    meiliMasterKey: nodes[0].masterKey,
    meiliNodes: nodes,
    indexPrefix: prefix,
    workerUrl: f.workerUrl,
    workerSecret: 'shards-test-secret-0123456789',
  };
}, 180_000);

afterAll(async () => {
  await f?.close();
});

const admin = (name: string) => f.admin(name);
const generationsOn = (name: string) => imageIndexesOn(f, name, prefix);

/** The upstream images, calling `sabotage` once after the first two batches. */
function sabotaged(sabotage: () => Promise<void>): CatalogSource {
  const source = upstreamPostgresSource(f.client, 'image', { schema: 'upstream', batchSize: 50 });
  return {
    ...source,
    async *batches() {
      let n = 0;
      for await (const batch of source.batches()) {
        if (n++ === 2) await sabotage();
        yield batch;
      }
    },
  };
}

/** The index the next refresh builds. */
async function nextIndex(): Promise<string> {
  const row = (await readGeneration(f.client, 'image'))!;
  return index(Math.max(row.generation, row.previous_generation ?? 0) + 1);
}

function refreshOn(source: CatalogSource, topology = parseTopology(nodes)) {
  return refresh({
    mediaType: 'image',
    api: f.client,
    meili: admin('s0'),
    topology,
    indexPrefix: prefix,
    source,
    batchBytes: 16 * 1024,
    maxInFlight: 2,
  });
}

describe('a refresh over three shards', () => {
  let first: RefreshStats;
  const progress: Progress[] = [];

  it('puts each document on its shard only; the row is the switch and the Worker is told', async () => {
    first = (await runTask(config, 'refresh', 'image', { onProgress: (p) => progress.push(p) })) as RefreshStats;
    expect(first).toMatchObject({ generation: 1, index: index(1), shards: [['s0'], ['s1'], ['s2']] });
    const row = (await readGeneration(f.client, 'image'))!;
    expect(row).toMatchObject({ generation: 1, live_index: index(1), shards: [['s0'], ['s1'], ['s2']], previous_index: null });
    expect(row.document_count).toBe(first.indexed);
    await expectServedWhole(f);
    // No alias: every node holds the generation's index and nothing else of images.
    for (const n of nodes) expect(await generationsOn(n.name)).toEqual([index(1)]);
    expect(f.told.at(-1)).toMatchObject({ media_type: 'image', live: { index: index(1), shards: [['s0'], ['s1'], ['s2']] } });
    expect(f.told.at(-1)!.generation).toMatch(/^1\./);
    // One progress line per shard: what each shard received adds up to what was indexed.
    const last = progress.at(-1)!;
    expect(last.shards?.map((s) => s.name)).toEqual(['s0', 's1', 's2']);
    expect(last.shards!.reduce((sum, s) => sum + s.indexed, 0)).toBe(first.indexed);
    expect(last.shards!.every((s) => s.routed === s.indexed)).toBe(true);
    // The task joined the nodes as the topology says.
    for (const n of nodes) {
      const joined = await admin(n.name).network();
      expect(joined.self).toBe(n.name);
      expect(Object.keys(joined.remotes).sort()).toEqual(['s0', 's1', 's2']);
    }
  }, 120_000);

  it('keeps the live generation as previous; a third refresh drops the first on every node', async () => {
    await runTask(config, 'refresh', 'image');
    expect(await readGeneration(f.client, 'image')).toMatchObject({
      generation: 2,
      live_index: index(2),
      previous_index: index(1),
      previous_generation: 1,
      previous_shards: [['s0'], ['s1'], ['s2']],
    });
    for (const n of nodes) expect(await generationsOn(n.name)).toEqual([index(1), index(2)]);
    // The third generation differs: the first 30 upstream rows left the catalog.
    const leaving = Number(
      (await f.client.query('select count(*) from image join upstream.image u using (identifier) where u.id <= 30')).rows[0].count,
    );
    expect(leaving).toBeGreaterThan(20);
    await f.client.query('update upstream.image set removed_from_source = true where id <= 30');
    const third = (await runTask(config, 'refresh', 'image')) as RefreshStats;
    expect(third.indexed).toBe(first.indexed - leaving);
    for (const n of nodes) expect(await generationsOn(n.name)).toEqual([index(2), index(3)]);
    await expectServedWhole(f);
  }, 180_000);

  it('a rollback flips the pointer and the tables in one step, leaving every index as it was; a second one flips back', async () => {
    const before = await Promise.all(nodes.map((n) => generationsOn(n.name)));
    const back = await runTask(config, 'rollback', 'image');
    expect(back).toMatchObject({ from: 3, to: 2, documents: first.indexed });
    expect(await readGeneration(f.client, 'image')).toMatchObject({
      generation: 2,
      live_index: index(2),
      shards: [['s0'], ['s1'], ['s2']],
      previous_index: index(3),
      previous_generation: 3,
      previous_shards: [['s0'], ['s1'], ['s2']],
    });
    expect((await tableIds(f)).length).toBe(first.indexed);
    await expectServedWhole(f);
    expect(await Promise.all(nodes.map((n) => generationsOn(n.name)))).toEqual(before);
    expect(f.told.at(-1)).toMatchObject({ live: { index: index(2) } });
    expect(f.told.at(-1)!.generation).toMatch(/^2\./);

    expect(await runTask(config, 'rollback', 'image')).toMatchObject({ from: 2, to: 3 });
    expect(await readGeneration(f.client, 'image')).toMatchObject({ live_index: index(3), previous_index: index(2) });
    await expectServedWhole(f);
  }, 120_000);
});

describe('changes to the live generation', () => {
  it('an update that changes, adds and removes documents lands on the right shards', async () => {
    const live = (await readGeneration(f.client, 'image'))!;
    const ids = await tableIds(f);
    // Two works of each shard change, two leave the catalog.
    const byShard = [0, 1, 2].map((s) => ids.filter((id) => shardOf(id, 3) === s));
    const changed = byShard.flatMap((list) => list.slice(0, 2));
    const removed = byShard.flatMap((list) => list.slice(2, 4));
    await f.client.query(
      `update upstream.image set title = 'Zanzibarquux ' || title, updated_on = now() where identifier = any($1::uuid[])`,
      [changed],
    );
    await f.client.query('update upstream.image set removed_from_source = true, updated_on = now() where identifier = any($1::uuid[])', [
      removed,
    ]);
    // Twelve new works: copies of existing rows under new identifiers.
    const columns = UPSTREAM_IMAGE_COLUMNS.join(', ');
    const copied = UPSTREAM_IMAGE_COLUMNS.map((c) =>
      c === 'identifier'
        ? 'gen_random_uuid()'
        : c === 'foreign_identifier' || c === 'url'
          ? `${c} || '-copy'`
          : c === 'updated_on'
            ? 'now()'
            : c,
    ).join(', ');
    const added = (
      await f.client.query<{ id: string }>(
        `insert into upstream.image (${columns}) select ${copied} from upstream.image where id between 100 and 111 returning identifier::text as id`,
      )
    ).rows.map((r) => r.id);

    const stats = await runTask(config, 'update', 'image');
    // (A rollback leaves no `updated_through`: this update reads every row again.)
    expect(stats).toMatchObject({ generation: live.generation, index: live.live_index, shards: live.shards });
    for (const [name, s] of [
      ['s0', 0],
      ['s1', 1],
      ['s2', 2],
    ] as const) {
      const held = new Set(await idsOn(f, name, live.live_index));
      for (const id of changed) expect(held.has(id), `changed ${id} on ${name}`).toBe(shardOf(id, 3) === s);
      for (const id of added) expect(held.has(id), `added ${id} on ${name}`).toBe(shardOf(id, 3) === s);
      for (const id of removed) expect(held.has(id), `removed ${id} on ${name}`).toBe(false);
      const { hits } = await admin(name).search(live.live_index, { q: 'Zanzibarquux', limit: 100, attributesToRetrieve: ['id'] });
      expect(hits.map((h) => h.id).sort()).toEqual(changed.filter((id) => shardOf(id, 3) === s).sort());
    }
    await expectServedWhole(f);
    expect((await readGeneration(f.client, 'image'))!.document_count).toBe((await tableIds(f)).length);
    expect(f.told.at(-1)).toMatchObject({ live: { index: live.live_index, shards: live.shards } });
  }, 120_000);

  it('moderation marks and deindexes a work on the nodes of its shard', async () => {
    const live = (await readGeneration(f.client, 'image'))!;
    const [a, b] = (await tableIds(f)).filter((id) => shardOf(id, 3) === 2);
    const report = async (id: string) =>
      (
        await f.client.query<{ id: number }>(
          `insert into content_report (media_type, identifier, reason) values ('image', $1, 'mature') returning id`,
          [id],
        )
      ).rows[0].id;
    await resolveReport(f.client, admin('s0'), config, await report(a), 'sensitive');
    await resolveReport(f.client, admin('s0'), config, await report(b), 'deindex');
    const { hits } = await admin('s2').search(live.live_index, { q: '', filter: `id = "${a}"` });
    expect(hits[0]).toMatchObject({ id: a, mature: true });
    expect(await idsOn(f, 's2', live.live_index)).not.toContain(b);
    // Nothing was written to the other shards (a partial update would have created a stub).
    for (const name of ['s0', 's1']) expect(await idsOn(f, name, live.live_index)).not.toContain(a);
    await expectServedWhole(f);
  }, 60_000);
  it('moderation decided during a refresh reaches the new generation on the shard of each work', async () => {
    // Works of the batches already pushed when the decisions are taken (upstream ids 31-100).
    const early = (
      await f.client.query<{ id: string }>(
        'select identifier::text as id from image join upstream.image u using (identifier) where u.id between 31 and 100 and not image.mature',
      )
    ).rows.map((r) => r.id);
    const gone = early.find((id) => shardOf(id, 3) === 1)!;
    const marked = early.find((id) => shardOf(id, 3) === 0)!;
    const stats = await refreshOn(
      sabotaged(async () => {
        await f.client.query(`insert into deleted_media (media_type, identifier, reason) values ('image', $1, 'test')`, [gone]);
        await f.client.query(`insert into sensitive_media (media_type, identifier) values ('image', $1)`, [marked]);
      }),
    );
    const row = (await readGeneration(f.client, 'image'))!;
    expect(row.live_index).toBe(index(stats.generation));
    for (const name of ['s0', 's1', 's2']) expect(await idsOn(f, name, row.live_index)).not.toContain(gone);
    const { hits } = await admin('s0').search(row.live_index, { q: '', filter: `id = "${marked}"` });
    expect(hits[0]).toMatchObject({ id: marked, mature: true, user_reported_sensitive: true });
    // A partial update sent to the wrong shard would have left a stub document there.
    for (const name of ['s1', 's2']) expect(await idsOn(f, name, row.live_index)).not.toContain(marked);
    expect((await f.client.query('select mature from image where identifier = $1', [marked])).rows[0].mature).toBe(true);
    await expectServedWhole(f);
  }, 120_000);
});

describe('a change of shard count', () => {
  it('is a refresh onto the new layout (two shards, s2 a replica of s0); a rollback returns to three', async () => {
    const three = (await readGeneration(f.client, 'image'))!;
    const twoShards: IngestConfig = { ...config, meiliNodes: [nodes[0], nodes[1], { ...nodes[2], shard: 's0' }] };
    const stats = (await runTask(twoShards, 'refresh', 'image')) as RefreshStats;
    const row = (await readGeneration(f.client, 'image'))!;
    expect(row).toMatchObject({
      live_index: stats.index,
      shards: [['s0', 's2'], ['s1']],
      previous_index: three.live_index,
      previous_shards: [['s0'], ['s1'], ['s2']],
    });
    // The replica holds what its shard's first node holds.
    expect(await idsOn(f, 's2', row.live_index)).toEqual(await idsOn(f, 's0', row.live_index));
    await expectServedWhole(f);
    // The three-shard generation is untouched on every node, s2's third included.
    expect(await idsOn(f, 's2', three.live_index)).toEqual((await tableIds(f, 'image_prev')).filter((id) => shardOf(id, 3) === 2));

    expect(await runTask(twoShards, 'rollback', 'image')).toMatchObject({ to: three.generation });
    expect(await readGeneration(f.client, 'image')).toMatchObject({
      live_index: three.live_index,
      shards: [['s0'], ['s1'], ['s2']],
      previous_index: row.live_index,
      previous_shards: [['s0', 's2'], ['s1']],
    });
    await expectServedWhole(f);
    expect(f.told.at(-1)).toMatchObject({ live: { index: three.live_index, shards: [['s0'], ['s1'], ['s2']] } });
  }, 180_000);
});

describe('bad topologies and faults', () => {
  const unchanged = async <T>(run: () => Promise<T>): Promise<unknown> => {
    const before = await readGeneration(f.client, 'image');
    const indexes = await Promise.all(nodes.map((n) => generationsOn(n.name)));
    const error = await run().then(
      () => null,
      (err: Error) => err,
    );
    expect(error, 'the task should have failed').toBeInstanceOf(Error);
    expect(error!.message).not.toContain('\n');
    expect(await readGeneration(f.client, 'image')).toEqual(before);
    expect(await Promise.all(nodes.map((n) => generationsOn(n.name)))).toEqual(indexes);
    return error!.message;
  };

  it('an unreachable node, duplicate names, a missing or wrong key: the task fails at the start in one line', async () => {
    const dead = `http://127.0.0.1:${await freePort()}`;
    const cases: [NodeConfig[], RegExp][] = [
      [[...nodes, { name: 's9', url: dead, masterKey: nodes[0].masterKey }], /node "s9" \(http:\/\/127\.0\.0\.1:\d+\) is unreachable/],
      [[...nodes, { ...nodes[1], url: dead }], /two nodes are named "s1"/],
      [[nodes[0], nodes[1], { name: 's2', url: nodes[2].url } as NodeConfig], /node 2\.masterKey/],
      [[nodes[0], nodes[1], { ...nodes[2], masterKey: 'x'.repeat(32) }], /node "s2" .* refused its master key/],
    ];
    for (const [meiliNodes, message] of cases) {
      expect(await unchanged(() => runTask({ ...config, meiliNodes }, 'refresh', 'image'))).toMatch(message);
    }
  }, 60_000);

  it('a node that rejects a batch fails the refresh before the switch, naming its shard', async () => {
    // s1's key may create and configure indexes but not add documents: every batch to
    // s1 is refused, those to s0 and s2 are not.
    const s1 = new Meilisearch({ host: nodes[1].url, apiKey: nodes[1].masterKey });
    const { key } = await s1.createKey({
      actions: ['indexes.*', 'settings.*', 'tasks.*', 'stats.*', 'search', 'documents.get', 'documents.delete'],
      indexes: ['*'],
      expiresAt: null,
    });
    const topology = parseTopology([nodes[0], { ...nodes[1], masterKey: key }, nodes[2]]);
    const message = await unchanged(() => refreshOn(upstreamPostgresSource(f.client, 'image', { schema: 'upstream' }), topology));
    expect(message).toMatch(/^shard "s1", node "s1" \(http:\/\/[^)]+\): Meilisearch add documents to \S+images__\d+: .*API key/);
  }, 120_000);

  it('an index deleted on a node mid-push fails the checks before the switch', async () => {
    const building = await nextIndex();
    const s1 = new Meilisearch({ host: nodes[1].url, apiKey: nodes[1].masterKey });
    const message = await unchanged(() =>
      refreshOn(sabotaged(async () => void (await s1.tasks.waitForTask((await s1.deleteIndex(building)).taskUid, { timeout: 60_000 })))),
    );
    // Documents lost (counts per shard) or the index re-created bare by a later batch (settings).
    expect(message).toMatch(/check failed: .*(documents indexed in \S+ across 3 shards \(s0 \d+, s1 \d+, s2 \d+\)|has unexpected)/);
  }, 120_000);

  it('a node whose index settings differ fails the checks before the switch, naming it', async () => {
    const building = await nextIndex();
    const s2 = new Meilisearch({ host: nodes[2].url, apiKey: nodes[2].masterKey });
    const message = await unchanged(() =>
      refreshOn(
        sabotaged(async () => {
          await s2.tasks.waitForTask((await s2.index(building).updateRankingRules(['words', 'typo', 'sort'])).taskUid, { timeout: 60_000 });
        }),
      ),
    );
    expect(message).toMatch(/^shard "s2", node "s2" .*check failed: .* has unexpected rankingRules; nothing was promoted/);
  }, 120_000);
});
