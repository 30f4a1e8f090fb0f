/**
 * Where one generation's documents live: an index name and the shards holding it, each
 * shard on one or more nodes (replicas hold the same documents). Every write that
 * touches a generation (the refresh's push, an update, moderation) goes through a
 * placement, so routing by `shardOf(id, shards.length)` has one home.
 *
 * One node is the special case of one shard on one node (`onNode`): its writes are
 * exactly the one-node calls, and its errors are not relabelled. On a network
 * (`onNetwork`) every failure names the shard and node it came from.
 */
import type { LivePointer } from '../../model/search-index.js';
import { IngestError } from '../errors.js';
import type { MeiliAdmin } from '../meili-admin.js';
import { adminsOf, type Topology } from './topology.js';
import { shardOf } from './partition.js';

export interface PlacedNode {
  name: string;
  url: string;
  admin: MeiliAdmin;
}

export interface PlacedShard {
  name: string;
  /** The nodes holding this shard (the first, then its replicas). */
  nodes: PlacedNode[];
}

export interface Placement {
  /** The index's name on every node. */
  index: string;
  /** Shards in partition order: a document's shard is `shardOf(id, shards.length)`. */
  shards: PlacedShard[];
  /** Node names per shard as the generation row records them; null on one node (no network). */
  layout: string[][] | null;
}

/**
 * A placement as the Worker is told it (the live generation after a switch): the index
 * and, on a network, the node names of each shard (null: the index on the one node).
 */
export function pointerOf(p: Placement): LivePointer {
  return { index: p.index, shards: p.layout };
}

/** An index on one node: the one-node case. */
export function onNode(meili: MeiliAdmin, index: string): Placement {
  return { index, shards: [{ name: 'main', nodes: [{ name: 'main', url: meili.url, admin: meili }] }], layout: null };
}

/**
 * An index on a network: `layout` (node names per shard, a generation row's `shards`)
 * resolved against the topology's nodes; the topology's own shards when not given.
 * `what` names the generation in the error when a node is not in the topology.
 */
export function onNetwork(topology: Topology, index: string, layout?: string[][], what = 'this'): Placement {
  const admins = adminsOf(topology);
  const names = layout ?? topology.shards.map((s) => s.nodes.map((n) => n.name));
  const shards = names.map((nodes) => ({
    // The topology's name when it has this very shard; else the first node's.
    name: topology.shards.find((s) => s.nodes.map((n) => n.name).join() === nodes.join())?.name ?? nodes[0],
    nodes: nodes.map((name) => {
      const node = topology.nodes.find((n) => n.name === name);
      if (!node) {
        throw new IngestError(
          `Meilisearch node "${name}" holds a shard of the ${what} generation (${index}) but is not in the topology: add it to MEILI_NODES`,
        );
      }
      return { name, url: node.url, admin: admins.get(name)! };
    }),
  }));
  return { index, shards, layout: names.map((n) => [...n]) };
}

/** Every node of a placement with its shard (a replica appears under its shard). */
export function placedNodes(p: Placement): { shard: PlacedShard; node: PlacedNode }[] {
  return p.shards.flatMap((shard) => shard.nodes.map((node) => ({ shard, node })));
}

/** `shard "s1", node "s1b" (URL)`: where a failure on a network came from. */
export function whereOn(shard: PlacedShard, node: PlacedNode): string {
  return `shard "${shard.name}", node "${node.name}" (${node.url})`;
}

/**
 * A failure on a node, named: on a network the error says which shard and node (one
 * line, an IngestError); on one node it is passed on unchanged.
 */
export function labelled(p: Placement, shard: PlacedShard, node: PlacedNode, err: unknown): unknown {
  if (!p.layout) return err;
  return new IngestError(`${whereOn(shard, node)}: ${err instanceof Error ? err.message : String(err)}`);
}

/** Runs `fn` on every node at once; the first failure (labelled) is thrown once all settled. */
export async function onEveryNode<T>(p: Placement, fn: (node: PlacedNode, shard: PlacedShard) => Promise<T>): Promise<T[]> {
  const results = await Promise.allSettled(placedNodes(p).map(({ shard, node }) => fn(node, shard)));
  const nodes = placedNodes(p);
  const failed = results.findIndex((r) => r.status === 'rejected');
  if (failed >= 0) throw labelled(p, nodes[failed].shard, nodes[failed].node, (results[failed] as PromiseRejectedResult).reason);
  return results.map((r) => (r as PromiseFulfilledResult<T>).value);
}

/** Creates the index with `settings` on every node, replacing a leftover of the same name. */
export async function createOnEveryNode(p: Placement, settings: Parameters<MeiliAdmin['createIndex']>[1]): Promise<void> {
  await onEveryNode(p, async ({ admin }) => {
    await admin.deleteIndex(p.index);
    await admin.createIndex(p.index, settings);
  });
}

/** Documents of the generation: each shard counted once, on its first node. */
export async function countDocuments(p: Placement): Promise<number> {
  const counts = await Promise.all(p.shards.map((shard) => shardCounts(p, shard)));
  return counts.reduce((sum, c) => sum + c[0], 0);
}

/** The document count on each node of a shard, in node order. */
export async function shardCounts(p: Placement, shard: PlacedShard): Promise<number[]> {
  return Promise.all(
    shard.nodes.map((node) =>
      node.admin.documentCount(p.index).catch((err: unknown) => {
        throw labelled(p, shard, node, err);
      }),
    ),
  );
}

/**
 * Runs a write for the ids of each shard on every node of that shard and waits for its
 * tasks (a write with nothing to do enqueues none: null); one node receives every id at
 * once, in the given order.
 */
async function routed<T>(
  p: Placement,
  items: T[],
  idOf: (item: T) => string,
  write: (admin: MeiliAdmin, items: T[]) => Promise<number | null>,
): Promise<void> {
  if (items.length === 0) return;
  const byShard = new Map<number, T[]>();
  for (const item of items) {
    const s = shardOf(idOf(item), p.shards.length);
    const list = byShard.get(s);
    if (list) list.push(item);
    else byShard.set(s, [item]);
  }
  await Promise.all(
    [...byShard].flatMap(([s, list]) =>
      p.shards[s].nodes.map(async (node) => {
        try {
          const task = await write(node.admin, list);
          if (task !== null) await node.admin.waitTask(task);
        } catch (err) {
          throw labelled(p, p.shards[s], node, err);
        }
      }),
    ),
  );
}

/**
 * Partial updates (`{id, …fields}`), each on the nodes of its document's shard. With
 * `existingOnly`, an id the index does not hold is skipped rather than created with only
 * these fields (a background job's update racing a deletion).
 */
export async function updateDocuments(
  p: Placement,
  documents: ({ id: string } & Record<string, unknown>)[],
  opts: { existingOnly?: boolean } = {},
): Promise<void> {
  await routed(
    p,
    documents,
    (d) => d.id,
    (admin, docs) => (opts.existingOnly ? admin.updateExistingDocuments(p.index, docs) : admin.updateDocuments(p.index, docs)),
  );
}

/** Deletions by id, each on the nodes of its shard. */
export async function deleteDocuments(p: Placement, ids: string[]): Promise<void> {
  await routed(
    p,
    ids,
    (id) => id,
    (admin, list) => admin.deleteDocuments(p.index, list),
  );
}
