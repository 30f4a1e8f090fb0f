/**
 * Which generation the Worker searches when the catalog spans a Meilisearch network:
 * the ingest's switch is the `search_generation` row (live index name and the node
 * names of each shard), and the Worker reads a copy of it from KV (`live:<served
 * name>`), kept per isolate for a few seconds. The ingest writes the copy when it
 * switches (POST /internal/cache-generation with `live`); a missing copy is read from
 * Postgres and written back, so the KV copy heals itself. On one node the served alias
 * is searched and none of this runs.
 */
import type { MediaType } from '../../model/record.js';
import { liveIndexName, type LivePointer } from '../../model/search-index.js';
import { GENERATION_MEMO_MS } from '../cache/policy.js';
import { readGenerationPointer } from '../db/generations.js';
import type { Database } from '../db/media.js';

/** The KV copy lives this long unless the ingest replaces it sooner (then it heals from Postgres). */
const POINTER_TTL_SECONDS = 3600;

export function livePointerKey(served: string): string {
  return `live:${served}`;
}

const memo = new Map<string, { value: LivePointer; until: number }>();

/** Forget this isolate's copy (after this isolate wrote a new pointer). */
export function forgetLivePointer(served: string): void {
  memo.delete(served);
}

function isPointer(value: unknown): value is LivePointer {
  const v = value as LivePointer;
  return (
    typeof v?.index === 'string' &&
    (v.shards === null ||
      (Array.isArray(v.shards) && v.shards.every((s) => Array.isArray(s) && s.length > 0 && s.every((n) => typeof n === 'string'))))
  );
}

/** Writes the KV copy (the ingest's switch, or a copy read from Postgres). */
export async function storeLivePointer(kv: KVNamespace, served: string, pointer: LivePointer): Promise<void> {
  if (!isPointer(pointer)) throw new Error('not a live pointer');
  await kv.put(livePointerKey(served), JSON.stringify(pointer), { expirationTtl: POINTER_TTL_SECONDS });
  forgetLivePointer(served);
}

/**
 * The live pointer of a media type: this isolate's memo, else KV, else Postgres (then
 * copied to KV). Without a record of its own, the served alias on one node.
 */
export async function readLivePointer(
  deps: { kv?: KVNamespace; db: () => Database; indexPrefix?: string; waitUntil?: (p: Promise<unknown>) => void },
  mediaType: MediaType,
): Promise<LivePointer> {
  const served = liveIndexName(mediaType, deps.indexPrefix);
  const held = memo.get(served);
  if (held && held.until > Date.now()) return held.value;
  let pointer: LivePointer | null = null;
  const stored = deps.kv ? await deps.kv.get(livePointerKey(served), { type: 'json', cacheTtl: 60 }).catch(() => null) : null;
  if (isPointer(stored)) pointer = stored;
  else {
    const row = await readGenerationPointer(deps.db(), mediaType);
    // A row of another deployment sharing the database (another index prefix) is not ours.
    const ours = row !== null && (row.index === served || row.index.startsWith(`${served}__`));
    pointer = ours ? row : { index: served, shards: null };
    if (deps.kv && ours) {
      const write = storeLivePointer(deps.kv, served, pointer).catch(() => {});
      if (deps.waitUntil) deps.waitUntil(write);
      else await write;
    }
  }
  memo.set(served, { value: pointer, until: Date.now() + GENERATION_MEMO_MS });
  return pointer;
}
