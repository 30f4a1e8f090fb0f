/**
 * The background checker's watch list: the candidate windows of popular searches, whose
 * statuses it keeps recorded so that a warm search sends no HEAD request.
 *
 * Bounded by construction: a fixed ring of `WATCH_SLOTS` KV keys. A popular query's
 * window goes to the slot its hash picks, replacing what was there (a query that stays
 * popular comes back within minutes and takes its slot again); a slot holds at most
 * `MAX_WATCHED_URLS` URLs and expires after `WATCH_TTL_SECONDS` without a write, so
 * queries that stop being popular fade out.
 */
import { sha256Hex } from '../auth/secrets.js';
import { Admission } from '../cache/policy.js';
import { getMany } from './status-store.js';

export const WATCH_KEY_PREFIX = 'link-watch:';
export const WATCH_SLOTS = 128;
/** A 20-result page 20, or a 500-result page 1, has a first window of this size or less. */
export const MAX_WATCHED_URLS = 1000;
export const WATCH_TTL_SECONDS = 2 * 86_400;

// Per-isolate sightings and write meter, with the response cache's heuristic (a query
// seen twice within a minute is popular). Losing them with the isolate costs nothing.
const sightings = new Admission();

/** Records a request for a search (served from cache or not); true once it is popular. */
export function sightSearch(queryKey: string, now = Date.now()): boolean {
  return sightings.seen(queryKey, now);
}

interface WatchedWindow {
  urls: string[];
  /** Epoch ms of the write: the most recent windows are checked first. */
  at: number;
}

export async function watchSlotKey(queryKey: string): Promise<string> {
  const slot = Number.parseInt((await sha256Hex(queryKey)).slice(0, 8), 16) % WATCH_SLOTS;
  return `${WATCH_KEY_PREFIX}${slot}`;
}

/** Puts a popular query's candidate URLs on the watch list (metered: KV writes cost). */
export async function watchWindow(kv: KVNamespace, queryKey: string, urls: string[], now = Date.now()): Promise<void> {
  const key = await watchSlotKey(queryKey);
  if (urls.length === 0 || !sightings.mayWrite(key, now)) return;
  const value: WatchedWindow = { urls: urls.slice(0, MAX_WATCHED_URLS), at: now };
  await kv.put(key, JSON.stringify(value), { expirationTtl: WATCH_TTL_SECONDS });
}

function parseWindow(value: string | null): WatchedWindow | null {
  if (!value) return null;
  try {
    const parsed = JSON.parse(value) as Partial<WatchedWindow>;
    return Array.isArray(parsed.urls) && typeof parsed.at === 'number'
      ? { urls: parsed.urls.filter((u) => typeof u === 'string'), at: parsed.at }
      : null;
  } catch {
    return null;
  }
}

/** Every watched URL, the most recently watched windows first, without repeats. */
export async function watchedUrls(kv: KVNamespace): Promise<string[]> {
  const keys = Array.from({ length: WATCH_SLOTS }, (_, i) => `${WATCH_KEY_PREFIX}${i}`);
  const windows = [...(await getMany(kv, keys)).values()]
    .map(parseWindow)
    .filter((w): w is WatchedWindow => w !== null)
    .sort((a, b) => b.at - a.at);
  return [...new Set(windows.flatMap((w) => w.urls))];
}
