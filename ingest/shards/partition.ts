/**
 * Which shard holds a document: a stable function of its identifier and the number of
 * shards of the generation (FNV-1a over the id's UTF-16 code units, modulo the count).
 * The same id lands on the same shard in every generation of the same shard count, so
 * incremental updates and moderation find it; a new count means a new refresh.
 */
import { fnv1a } from '../../model/hash.js';

export function shardOf(id: string, shardCount: number): number {
  return shardCount <= 1 ? 0 : fnv1a(id) % shardCount;
}

/** Groups ids by shard position (only shards with ids appear). */
export function partitionIds(ids: readonly string[], shardCount: number): Map<number, string[]> {
  const out = new Map<number, string[]>();
  for (const id of ids) {
    const s = shardOf(id, shardCount);
    const list = out.get(s);
    if (list) list.push(id);
    else out.set(s, [id]);
  }
  return out;
}
