import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { add, BUCKETS_PER_WINDOW, bucketWidth, emptyCounts, prune, rebucket, waitForRoom } from './window-counter.js';

/** What a sliding log of request times would allow: the reference semantics. */
function exactAllows(times: number[], now: number, windowMs: number, limit: number): boolean {
  return times.filter((t) => t > now - windowMs).length < limit;
}

describe('window counter', () => {
  it('never admits more than the limit in any window, and refuses at most one bucket early', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 20 }),
        fc.constantFrom(1000, 60_000, 3_600_000),
        fc.array(fc.integer({ min: 0, max: 5000 }), { minLength: 1, maxLength: 300 }),
        (limit, windowMs, gaps) => {
          const counts = emptyCounts(windowMs);
          const admitted: number[] = [];
          let now = 1_700_000_000_000;
          for (const gap of gaps) {
            now += gap * (windowMs / 1000);
            const used = prune(counts, windowMs, now);
            const allowed = used < limit;
            if (allowed) {
              add(counts, now);
              admitted.push(now);
            } else {
              // Refused: the exact log would refuse too, or the request is within one
              // bucket of the oldest counted one leaving the window.
              const wait = waitForRoom(counts, windowMs, limit, now);
              expect(wait).toBeGreaterThan(0);
              if (exactAllows(admitted, now, windowMs, limit)) expect(wait).toBeLessThanOrEqual(bucketWidth(windowMs));
            }
            // The safety property: no window holds more than `limit` admitted requests.
            expect(admitted.filter((t) => t > now - windowMs).length).toBeLessThanOrEqual(limit);
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('keeps bounded state however many requests it counts', () => {
    const windowMs = 86_400_000;
    const counts = emptyCounts(windowMs);
    let now = 1_700_000_000_000;
    for (let i = 0; i < 200_000; i++) {
      now += 1000;
      prune(counts, windowMs, now);
      add(counts, now);
    }
    expect(counts.buckets.length).toBeLessThanOrEqual(BUCKETS_PER_WINDOW + 1);
    expect(prune(counts, windowMs, now)).toBeGreaterThan(80_000);
  });

  it('waitForRoom gives the time until the oldest counted bucket leaves the window', () => {
    const windowMs = 60_000;
    const counts = emptyCounts(windowMs);
    const t0 = 1_700_000_000_000;
    for (let i = 0; i < 5; i++) add(counts, t0);
    prune(counts, windowMs, t0 + 10_000);
    const wait = waitForRoom(counts, windowMs, 5, t0 + 10_000);
    expect(wait).toBeGreaterThanOrEqual(50_000);
    expect(wait).toBeLessThanOrEqual(50_000 + bucketWidth(windowMs));
    expect(waitForRoom(counts, windowMs, 6, t0 + 10_000)).toBe(0);
  });

  it('rebuckets to a new window width without expiring anything early', () => {
    const counts = emptyCounts(60_000);
    const t = 1_700_000_000_000;
    add(counts, t);
    add(counts, t + 30_000);
    const wider = rebucket(counts, bucketWidth(3_600_000));
    expect(prune(wider, 3_600_000, t + 3_599_000)).toBe(2);
    const narrower = rebucket(counts, bucketWidth(1000));
    expect(prune(narrower, 1000, t + 30_500)).toBe(1);
  });
});
