/**
 * A sliding-window request counter in bounded memory: the window is cut into at most
 * BUCKETS_PER_WINDOW buckets and each bucket holds a count, so a client that sent a
 * million requests costs the same as one that sent ten (a log of request times grew
 * with every request and was rewritten to storage on each one).
 *
 * It never lets more than `limit` requests through in any window: a request stays
 * counted until the end of its bucket plus the window, which refuses at most one bucket
 * width (1/64 of the window) early, never late.
 */

export const BUCKETS_PER_WINDOW = 64;

/** Counts of one scope: `width` ms buckets keyed by bucket number (time / width). */
export interface WindowCounts {
  width: number;
  /** [bucket number, requests], oldest first. */
  buckets: [number, number][];
}

export function bucketWidth(windowMs: number): number {
  return Math.max(1, Math.ceil(windowMs / BUCKETS_PER_WINDOW));
}

/** A request in bucket b counts while now < (b + 1) × width + window. */
function live(counts: WindowCounts, windowMs: number, now: number): [number, number][] {
  const firstLive = Math.floor((now - windowMs) / counts.width); // end of b ≤ now − window ⇔ b < firstLive
  let i = 0;
  while (i < counts.buckets.length && counts.buckets[i][0] < firstLive) i++;
  return i ? counts.buckets.slice(i) : counts.buckets;
}

/**
 * The same counts with buckets of `width` (the configured window changed): each old
 * bucket moves to the new bucket holding its last millisecond, so nothing expires early.
 */
export function rebucket(counts: WindowCounts, width: number): WindowCounts {
  if (counts.width === width) return counts;
  const merged = new Map<number, number>();
  for (const [b, n] of counts.buckets) {
    const to = Math.floor(((b + 1) * counts.width - 1) / width);
    merged.set(to, (merged.get(to) ?? 0) + n);
  }
  return { width, buckets: [...merged.entries()].sort((a, b) => a[0] - b[0]) };
}

export function emptyCounts(windowMs: number): WindowCounts {
  return { width: bucketWidth(windowMs), buckets: [] };
}

/** Drops expired buckets in place; returns the requests still in the window. */
export function prune(counts: WindowCounts, windowMs: number, now: number): number {
  counts.buckets = live(counts, windowMs, now);
  let n = 0;
  for (const [, c] of counts.buckets) n += c;
  return n;
}

/**
 * Milliseconds until the count is below `limit` again (0 if it already is). Assumes
 * `prune` ran at `now`.
 */
export function waitForRoom(counts: WindowCounts, windowMs: number, limit: number, now: number): number {
  let total = 0;
  for (const [, c] of counts.buckets) total += c;
  let mustExpire = total - limit + 1;
  if (mustExpire <= 0) return 0;
  for (const [b, c] of counts.buckets) {
    mustExpire -= c;
    if (mustExpire <= 0) return Math.max(1, (b + 1) * counts.width + windowMs - now);
  }
  return windowMs; // limit 0: never room
}

/** Counts `n` requests at `at` (`now`, or later for a lease: see leases.ts). */
export function add(counts: WindowCounts, at: number, n = 1): void {
  const b = Math.floor(at / counts.width);
  const last = counts.buckets[counts.buckets.length - 1];
  // An earlier time than the newest bucket (a clock that stepped back, or a lease dated
  // ahead) counts in the newest bucket: later expiry, never earlier.
  if (last && last[0] >= b) last[1] += n;
  else counts.buckets.push([b, n]);
}

/**
 * Takes back up to `n` requests counted at `at` (a refused all-or-nothing group, or a
 * lease's unspent part); returns how many were still there to take.
 */
export function remove(counts: WindowCounts, at: number, n = 1): number {
  const b = Math.floor(at / counts.width);
  const i = counts.buckets.findIndex(([k]) => k === b);
  if (i < 0) return 0;
  const taken = Math.min(n, counts.buckets[i][1]);
  if ((counts.buckets[i][1] -= taken) === 0) counts.buckets.splice(i, 1);
  return taken;
}
