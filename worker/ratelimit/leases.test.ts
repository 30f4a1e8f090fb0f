import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Counters, MAX_LEASE, type Decision } from './counters.js';
import { LeaseBook, type LimiterStub } from './leases.js';
import type { Budget } from './rules.js';

/**
 * The rate-limit object's real counting (counters.ts) behind an asynchronous stub, as a
 * Durable Object would answer: one call at a time, each after `latencyMs`.
 */
function fakeObject(latencyMs = 1) {
  const counters = new Counters();
  const calls = { take: 0, refund: 0 };
  const later = <T>(f: () => T) => new Promise<T>((resolve) => setTimeout(() => resolve(f()), latencyMs));
  const stub: LimiterStub = {
    take: (rules, want, leaseMs) => {
      calls.take++;
      return later((): Decision => counters.take(rules, Date.now(), want, leaseMs));
    },
    refund: (rules, at, n) => {
      calls.refund++;
      return later(() => void counters.refund(rules, at, n));
    },
  };
  return { stub, calls, counters };
}

const budget = (limit: number, windowMs = 60_000): Budget => ({
  identity: 'ip:192.0.2.1',
  rules: [{ scope: 'anon_burst', limit, windowMs }],
  kind: 'anonymous',
});

afterEach(() => vi.useRealTimers());

describe('rate-limit leases', () => {
  it('50 parallel requests against a limit of 10 admit exactly 10, with fewer calls than requests', async () => {
    const { stub, calls } = fakeObject();
    const book = new LeaseBook();
    const pending: Promise<unknown>[] = [];
    const taken = await Promise.all(
      Array.from({ length: 50 }, () =>
        book.take(
          budget(10),
          () => stub,
          200,
          (p) => pending.push(p),
        ),
      ),
    );
    expect(taken.filter((t) => t.allowed)).toHaveLength(10);
    expect(calls.take).toBeLessThan(50);
    await Promise.all(pending);
  });

  it('steady traffic takes most requests from leases, and the headers count down by one', async () => {
    const { stub, calls, counters } = fakeObject();
    const book = new LeaseBook();
    const pending: Promise<unknown>[] = [];
    const available: number[] = [];
    for (let i = 0; i < 200; i++) {
      const t = await book.take(
        budget(100_000),
        () => stub,
        1000,
        (p) => pending.push(p),
      );
      expect(t.allowed).toBe(true);
      available.push(t.scopes[0].available);
    }
    expect(calls.take).toBeLessThan(200 / 4);
    expect(available.every((a, i) => i === 0 || a === available[i - 1] - 1)).toBe(true);
    await Promise.all(pending);
    // Settled: the object holds exactly the requests served, none of the unspent ones.
    expect(counters.usage([{ scope: 'anon_burst', windowMs: 60_000 }], Date.now()).anon_burst).toBe(200);
  });

  it('leases nothing on short windows or near the limit', () => {
    const c = new Counters();
    expect(c.take([{ scope: 'rate_limit', limit: 1000, windowMs: 1000 }], 0, 10, 1000).granted).toBe(1);
    const near = new Counters();
    expect(near.take([{ scope: 'b', limit: 7, windowMs: 3_600_000 }], 0, 10, 1000).granted).toBe(1);
    expect(near.take([{ scope: 'c', limit: 1000, windowMs: 3_600_000 }], 0, 500, 1000).granted).toBe(MAX_LEASE);
  });

  it('counts a lease as of its end, so a request spent late in it is not counted early', () => {
    const c = new Counters();
    const rule = { scope: 'anon_burst', limit: 1000, windowMs: 60_000 };
    const d = c.take([rule], 0, 10, 1000);
    expect(d.granted).toBe(10);
    expect(d.countedAt).toBe(1000);
    // A request spent at 990 ms must count until 60,990 ms. Counted at 0, its bucket
    // (0–937 ms) would have left the window at 60,938 ms.
    expect(c.usage([rule], 60_950).anon_burst).toBe(10);
  });

  it('a refused request of an all-or-nothing group gives its lease request back', async () => {
    const { stub } = fakeObject();
    const book = new LeaseBook();
    const pending: Promise<unknown>[] = [];
    const b = budget(1000);
    await book.take(
      b,
      () => stub,
      1000,
      (p) => pending.push(p),
    );
    const t = await book.take(
      b,
      () => stub,
      1000,
      (p) => pending.push(p),
    ); // opens a lease
    expect(book.unspent(b.identity, 'anon_burst')).toBeGreaterThan(0);
    const before = book.unspent(b.identity, 'anon_burst');
    await t.giveBack();
    expect(book.unspent(b.identity, 'anon_burst')).toBe(before + 1);
    await Promise.all(pending);
    expect(book.unspent(b.identity, 'anon_burst')).toBe(0);
  });

  it('never admits more than the limit in any window, whatever the arrival pattern', async () => {
    vi.useFakeTimers({ now: 1_700_000_000_000 });
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 60 }),
        fc.array(fc.tuple(fc.integer({ min: 0, max: 400 }), fc.integer({ min: 1, max: 8 })), { minLength: 1, maxLength: 80 }),
        async (limit, arrivals) => {
          const windowMs = 60_000;
          const { stub } = fakeObject(3);
          const book = new LeaseBook();
          const admittedAt: number[] = [];
          const pending: Promise<unknown>[] = [];
          for (const [gapMs, burst] of arrivals) {
            await vi.advanceTimersByTimeAsync(gapMs * 40); // up to 16 s between bursts
            const round = Array.from({ length: burst }, () =>
              book
                .take(
                  budget(limit, windowMs),
                  () => stub,
                  1000,
                  (p) => pending.push(p),
                )
                .then((t) => t.allowed && admittedAt.push(Date.now())),
            );
            await vi.advanceTimersByTimeAsync(50);
            await Promise.all(round);
          }
          await vi.advanceTimersByTimeAsync(2000);
          await Promise.all(pending);
          admittedAt.sort((a, b) => a - b);
          for (let i = 0; i < admittedAt.length; i++) {
            const inWindow = admittedAt.filter((t) => t >= admittedAt[i] && t < admittedAt[i] + windowMs).length;
            expect(inWindow).toBeLessThanOrEqual(limit);
          }
        },
      ),
      { numRuns: 60 },
    );
  });
});
