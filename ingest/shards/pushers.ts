/**
 * The push stage over a placement: one `DocumentPusher` per node (each with its own
 * payload batch and bounded in-flight window), every document routed to the nodes of
 * its shard (`shardOf(id, shards.length)`). Shards receive their documents concurrently;
 * the read loop waits only while the node it is writing to is full. On one node this is
 * that node's pusher, unchanged.
 */
import { DocumentPusher, type PushOptions } from '../pipeline/push.js';
import { partitionIds, shardOf } from './partition.js';
import { labelled, type PlacedNode, type PlacedShard, type Placement } from './placement.js';

/** One shard's push so far: documents routed to it, and indexed by its slowest node. */
export interface ShardPush {
  name: string;
  routed: number;
  indexed: number;
}

interface NodePush {
  shard: PlacedShard;
  node: PlacedNode;
  pusher: DocumentPusher;
  indexed: number;
}

export class PlacementPusher {
  private readonly nodes: NodePush[][];
  private readonly routed: number[];

  constructor(
    private readonly target: Placement,
    opts: Omit<PushOptions, 'onDone'> & {
      /** Called as tasks succeed, with the documents indexed so far (each shard counted once). */
      onIndexed?: (indexed: number) => void;
    } = {},
  ) {
    this.routed = target.shards.map(() => 0);
    this.nodes = target.shards.map((shard) =>
      shard.nodes.map((node) => {
        const push: NodePush = {
          shard,
          node,
          indexed: 0,
          pusher: new DocumentPusher(node.admin, target.index, {
            batchBytes: opts.batchBytes,
            maxInFlight: opts.maxInFlight,
            onDone: ({ indexed }) => {
              push.indexed += indexed;
              opts.onIndexed?.(this.indexed);
            },
          }),
        };
        return push;
      }),
    );
  }

  /** Documents indexed so far: per shard, what its slowest node has indexed. */
  get indexed(): number {
    return this.nodes.reduce((sum, shard) => sum + Math.min(...shard.map((n) => n.indexed)), 0);
  }

  /** Per shard, in partition order. */
  shards(): ShardPush[] {
    return this.target.shards.map((shard, i) => ({
      name: shard.name,
      routed: this.routed[i],
      indexed: Math.min(...this.nodes[i].map((n) => n.indexed)),
    }));
  }

  /** One document (its id and JSON line) to every node of its shard. */
  async add(id: string, line: string): Promise<void> {
    const s = shardOf(id, this.nodes.length);
    this.routed[s]++;
    await this.each(this.nodes[s], (p) => p.add(line));
  }

  /** Deletes these ids on the nodes of their shards, after every document added before. */
  async remove(ids: string[]): Promise<void> {
    for (const [s, list] of partitionIds(ids, this.nodes.length)) await this.each(this.nodes[s], (p) => p.remove(list));
  }

  /** Sends what is buffered on every node, waits for every task, and throws the first failure. */
  async finish(): Promise<void> {
    await this.each(this.nodes.flat(), (p) => p.finish());
  }

  /**
   * After a failure: waits until no payload is still uploading, so nothing reaches an
   * index after the caller deletes it (tasks already enqueued run before the deletion).
   */
  async settle(): Promise<void> {
    await Promise.all(this.nodes.flat().map((n) => n.pusher.settle()));
  }

  private async each(nodes: NodePush[], fn: (p: DocumentPusher) => Promise<void>): Promise<void> {
    if (nodes.length === 1) {
      const [n] = nodes;
      try {
        return await fn(n.pusher);
      } catch (err) {
        throw labelled(this.target, n.shard, n.node, err);
      }
    }
    const results = await Promise.allSettled(nodes.map((n) => fn(n.pusher)));
    const failed = results.findIndex((r) => r.status === 'rejected');
    if (failed >= 0)
      throw labelled(this.target, nodes[failed].shard, nodes[failed].node, (results[failed] as PromiseRejectedResult).reason);
  }
}
