/**
 * Serves search answers from KV when a query is popular, computes them otherwise, and
 * falls back to a stale copy when the search engine fails.
 */
import type { Context, TypedResponse } from 'hono';
import type { MediaType } from '../../model/record.js';
import { isAuthenticated } from '../auth/caller.js';
import { digestHex } from '../auth/secrets.js';
import { ApiError } from '../errors.js';
import type { AppEnv } from '../types.js';
import { cacheKey, generationKey } from './keys.js';
import { Admission, FRESH_SECONDS, GENERATION_MEMO_MS, KEEP_SECONDS, MEMORY_TIER_BYTES, PUBLIC_CACHE_CONTROL } from './policy.js';
import { KvCacheStore, MemoryCacheStore, type CachedResponse } from './store.js';

// Per-isolate state (the only mutable module state): admission counts, the hottest
// answers, and the memo of the generation read from KV. All are heuristics or copies;
// losing them with the isolate is fine.
const admission = new Admission();
const memory = new MemoryCacheStore(MEMORY_TIER_BYTES);
const generationMemo = new Map<MediaType, { value: string; until: number }>();

async function currentGeneration(kv: KVNamespace, mediaType: MediaType): Promise<string> {
  const memo = generationMemo.get(mediaType);
  if (memo && memo.until > Date.now()) return memo.value;
  const value = (await kv.get(generationKey(mediaType), { cacheTtl: 60 })) ?? '0';
  generationMemo.set(mediaType, { value, until: Date.now() + GENERATION_MEMO_MS });
  return value;
}

/** What an answer is computed from: one media type's index, or both (`/v1/search/`). */
export type CacheScope = MediaType | 'all';

/** The generation(s) an answer depends on: a refresh of either media type makes an `all` answer unreachable. */
async function generationOf(kv: KVNamespace, scope: CacheScope): Promise<string> {
  if (scope !== 'all') return currentGeneration(kv, scope);
  const [image, audio] = await Promise.all([currentGeneration(kv, 'image'), currentGeneration(kv, 'audio')]);
  return `${image}.${audio}`;
}

/**
 * The served data's generation token as the ingest last bumped it (a refresh, update,
 * rollback or moderation), `'0'` without KV: what cache keys and search cursors carry.
 */
export function servedGeneration(c: Context<AppEnv>, mediaType: MediaType): Promise<string> {
  const kv = c.env.SEARCH_CACHE;
  return kv ? currentGeneration(kv, mediaType) : Promise.resolve('0');
}

/** Forget the memo (after this isolate itself bumped the generation). */
export function forgetGeneration(mediaType: MediaType): void {
  generationMemo.delete(mediaType);
}

/**
 * The strong ETag of a body, the same digest (hex SHA-1) the ETag middleware computes
 * for uncached answers, so a tag from a MISS still matches the HIT that follows.
 */
function etagOf(body: string): Promise<string> {
  return digestHex('SHA-1', body);
}

export type CacheStatus = 'HIT' | 'MISS' | 'STALE' | 'BYPASS';

interface SearchLike {
  /** Absent for answers without pages (suggestions). */
  page_size?: number;
  unstable__sort_by?: string;
}

/** Whether every caller would get this answer: no key privilege changes it. */
export function shareable(c: Context<AppEnv>, params: SearchLike): boolean {
  if (!isAuthenticated(c.get('caller'))) return true;
  return (params.page_size ?? 0) <= 20 && (params.unstable__sort_by ?? 'relevance') === 'relevance';
}

const ENGINE_DOWN = new Set(['search_unavailable', 'search_timeout', 'search_failed']);

/**
 * Answers a search-like request (`route` names it in the key) with a JSON body,
 * `X-Cache`, and the route's `Cache-Control` when the answer is shared.
 */
export async function cachedJson<T>(
  c: Context<AppEnv>,
  opts: { mediaType: CacheScope; route: string; params: SearchLike & Record<string, unknown>; kind: keyof typeof PUBLIC_CACHE_CONTROL },
  compute: () => Promise<T>,
): Promise<TypedResponse<T, 200, 'json'>> {
  // The body is JSON of a `T` (computed now or stored from a computation): typed as such
  // for the route's response schema, though it travels as a string.
  const typed = (res: Response) => res as unknown as TypedResponse<T, 200, 'json'>;
  const kv = c.env.SEARCH_CACHE;
  const shared = shareable(c, opts.params);
  const respond = async (body: string, status: CacheStatus, etag?: string) => {
    c.header('X-Cache', status);
    // Tagged here, from the string (or the stored tag): the ETag middleware would
    // otherwise clone the response and read it back to hash it, a measurable share of a
    // search's CPU.
    c.header('ETag', `"${etag ?? (await etagOf(body))}"`);
    c.header('Cache-Control', shared ? PUBLIC_CACHE_CONTROL[opts.kind] : 'private, no-store');
    // A key holder's answer differs from the anonymous one (`next_cursor`): HTTP caches
    // must keep them apart, as the KV keys do.
    if (shared) c.header('Vary', 'Authorization', { append: true });
    c.header('Content-Type', 'application/json; charset=UTF-8');
    return typed(c.body(body, 200));
  };
  if (!kv || !shared) return respond(JSON.stringify(await compute()), 'BYPASS');

  const store = new KvCacheStore(kv);
  const fresh = (c.get('config').CACHE_FRESH_SECONDS ?? FRESH_SECONDS) * 1000;
  let key: string;
  try {
    // Answers hold absolute links, so the origin they were built for is part of the key.
    key = await cacheKey(`${new URL(c.req.url).origin} ${opts.route}`, opts.mediaType, await generationOf(kv, opts.mediaType), opts.params);
  } catch (err) {
    c.get('log').warn('cache unavailable', { error: (err as Error).message });
    return respond(JSON.stringify(await compute()), 'BYPASS');
  }
  // This isolate's memory first, then KV (which then warms the memory).
  const read = async () => {
    const held = await memory.get(key);
    if (held) return held;
    const stored = await store.get(key).catch((err: Error) => {
      c.get('log').warn('cache read failed', { error: err.message });
      return null;
    });
    if (stored) await memory.put(key, stored, KEEP_SECONDS);
    return stored;
  };
  // A query this isolate has not seen before is the long tail: skip the KV read on the
  // way in (it is rarely cached) and read only if the engine fails.
  const popular = admission.seen(key);
  let entry: CachedResponse | null = popular ? await read() : null;
  if (entry && Date.now() - entry.storedAt < fresh) return respond(entry.body, 'HIT', entry.etag);

  let body: string;
  try {
    body = JSON.stringify(await compute());
  } catch (err) {
    if (err instanceof ApiError && ENGINE_DOWN.has(err.code)) {
      entry ??= await read();
      if (entry) {
        c.get('log').warn('search engine failed; serving a stale answer', { code: err.code });
        return respond(entry.body, 'STALE', entry.etag);
      }
    }
    throw err;
  }
  // An answer missing some of a network's shards is served once, never stored.
  if (c.get('engine').missing?.size) return respond(body, 'BYPASS');
  // Refresh an expired entry, or admit a popular query; writes are metered.
  // The memory copy is free to refresh; KV writes are metered.
  if (entry || popular) {
    const value: CachedResponse = { body, etag: await etagOf(body), storedAt: Date.now() };
    await memory.put(key, value, KEEP_SECONDS);
    if (admission.mayWrite(key)) {
      c.executionCtx.waitUntil(
        store.put(key, value, KEEP_SECONDS).catch((err: Error) => c.get('log').warn('cache write failed', { error: err.message })),
      );
    }
    return respond(body, 'MISS', value.etag);
  }
  return respond(body, 'MISS');
}
