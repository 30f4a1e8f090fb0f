/**
 * Cache policy in one place: what is shared, for how long, and when a query earns a
 * slot. TTLs are in seconds.
 */

/** A cached search answer is fresh this long… */
export const FRESH_SECONDS = 300;
/** …and kept this long, to be served as stale when the search engine is down. */
export const KEEP_SECONDS = 86_400;
/** A query is cached once seen this many times within `ADMISSION_WINDOW_MS` in an isolate. */
export const ADMISSION_SIGHTINGS = 2;
export const ADMISSION_WINDOW_MS = 60_000;
/** KV writes allowed per isolate per second (KV also allows one write per key per second). */
export const MAX_WRITES_PER_SECOND = 5;
/**
 * Bytes of answers each isolate keeps in memory in front of KV (an isolate may use
 * 128 MB in all); a hit there costs no KV read.
 */
export const MEMORY_TIER_BYTES = 24 * 1024 * 1024;
/** The generation a Worker read from KV is trusted this long before it is read again. */
export const GENERATION_MEMO_MS = 5_000;

/** `Cache-Control` per route kind, for responses every caller would get alike. */
export const PUBLIC_CACHE_CONTROL: Record<string, string> = {
  search: 'public, max-age=60, stale-while-revalidate=300',
  detail: 'public, max-age=300',
  related: 'public, max-age=300',
  stats: 'public, max-age=600',
  /** Changes only with a deploy. */
  openapi: 'public, max-age=3600',
};

/**
 * Remembers recent sightings of query keys (bounded), and meters writes, per isolate.
 * Admission is a heuristic, so per-isolate counts are enough; exactness is not needed.
 */
export class Admission {
  private readonly sightings = new Map<string, number[]>();
  private writes: number[] = [];
  private readonly lastWrite = new Map<string, number>();

  constructor(private readonly maxKeys = 10_000) {}

  /** Records a sighting; true once the key is popular enough to cache. */
  seen(key: string, now = Date.now()): boolean {
    const times = (this.sightings.get(key) ?? []).filter((t) => t > now - ADMISSION_WINDOW_MS);
    times.push(now);
    this.sightings.delete(key);
    this.sightings.set(key, times);
    if (this.sightings.size > this.maxKeys) this.sightings.delete(this.sightings.keys().next().value!);
    return times.length >= ADMISSION_SIGHTINGS;
  }

  /** Takes a write slot if the isolate budget and the per-key interval allow it. */
  mayWrite(key: string, now = Date.now()): boolean {
    this.writes = this.writes.filter((t) => t > now - 1000);
    if (this.writes.length >= MAX_WRITES_PER_SECOND) return false;
    if ((this.lastWrite.get(key) ?? 0) > now - 1000) return false;
    this.writes.push(now);
    this.lastWrite.set(key, now);
    if (this.lastWrite.size > this.maxKeys) this.lastWrite.delete(this.lastWrite.keys().next().value!);
    return true;
  }
}
