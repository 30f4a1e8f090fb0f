/**
 * The counting behind one client identity's rate limits, free of storage so it can be
 * tested on its own: a sliding-window counter per scope (window-counter.ts), taken all or
 * nothing across a request's rules, optionally several requests at once as a lease.
 */
import type { Rule } from './rules.js';
import { add, bucketWidth, emptyCounts, prune, rebucket, remove, waitForRoom, type WindowCounts } from './window-counter.js';

export interface ScopeState {
  scope: string;
  limit: number;
  /** Requests still allowed in the current window (after this take, when allowed). */
  available: number;
}

export interface Decision {
  allowed: boolean;
  /** Whole seconds until every refusing scope has room again (0 when allowed). */
  retryAfterSeconds: number;
  scopes: ScopeState[];
  /** When the requests were counted (to give them back with `refund`). */
  countedAt: number;
  /** Requests counted: 1, or more for a lease; 0 when refused. */
  granted: number;
}

/** A lease is at most this many requests… */
export const MAX_LEASE = 32;
/** …and at most this share of what is left, so the last requests of a window are taken one by one. */
const LEASE_SHARE = 4;

/**
 * Scopes leased only when their window is this many times the lease: a lease is counted
 * as of its end, so it can refuse up to one lease length early.
 */
export const LEASABLE_WINDOW_FACTOR = 60;

/** Scope → counts; each scope remembers the window it was last counted with. */
export type CounterState = Record<string, WindowCounts & { windowMs: number }>;

export class Counters {
  constructor(public state: CounterState = {}) {}

  private counts(rule: Pick<Rule, 'scope' | 'windowMs'>): WindowCounts & { windowMs: number } {
    const width = bucketWidth(rule.windowMs);
    const held = this.state[rule.scope];
    if (held && held.width === width) return held;
    // New scope, or its window was reconfigured.
    const fresh = { ...(held ? rebucket(held, width) : emptyCounts(rule.windowMs)), windowMs: rule.windowMs };
    this.state[rule.scope] = fresh;
    return fresh;
  }

  /**
   * Counts one request against every rule, or refuses it without counting when any scope
   * is full (all or nothing). With `want` > 1 and a lease length, it may count up to
   * `want` requests at once, dated at the lease's end so that none of them is counted
   * earlier than it is spent (the window never admits more than the limit).
   */
  take(rules: Rule[], now: number, want = 1, leaseMs = 0): Decision {
    const used = rules.map((r) => prune(this.counts(r), r.windowMs, now));
    let retryMs = 0;
    rules.forEach((r, i) => {
      if (used[i] >= r.limit) retryMs = Math.max(retryMs, waitForRoom(this.counts(r), r.windowMs, r.limit, now));
    });
    const allowed = retryMs === 0;
    let granted = allowed ? 1 : 0;
    if (allowed && want > 1 && leaseMs > 0 && rules.every((r) => r.windowMs >= LEASABLE_WINDOW_FACTOR * leaseMs)) {
      granted = Math.max(1, Math.min(want, MAX_LEASE, ...rules.map((r, i) => Math.floor((r.limit - used[i]) / LEASE_SHARE))));
    }
    const countedAt = granted > 1 ? now + leaseMs : now;
    if (allowed) for (const r of rules) add(this.counts(r), countedAt, granted);
    const scopes = rules.map((r, i) => ({ scope: r.scope, limit: r.limit, available: Math.max(0, r.limit - used[i] - granted) }));
    return { allowed, retryAfterSeconds: allowed ? 0 : Math.ceil(retryMs / 1000), scopes, countedAt, granted };
  }

  /** Gives back up to `n` requests counted at `countedAt`; whether anything changed. */
  refund(rules: Pick<Rule, 'scope' | 'windowMs'>[], countedAt: number, n = 1): boolean {
    let changed = false;
    for (const r of rules) if (this.state[r.scope] && remove(this.counts(r), countedAt, n) > 0) changed = true;
    return changed;
  }

  /** Requests counted per scope within `windowMs`; null where none (for `/rate_limit/`). */
  usage(scopes: { scope: string; windowMs: number }[], now: number): Record<string, number | null> {
    const out: Record<string, number | null> = {};
    for (const { scope, windowMs } of scopes) {
      const n = this.state[scope] ? prune(this.counts({ scope, windowMs }), windowMs, now) : 0;
      out[scope] = n === 0 ? null : n;
    }
    return out;
  }

  /** Drops scopes whose windows are empty; returns the longest window still held (0: none). */
  expire(now: number): number {
    let longest = 0;
    for (const [scope, counts] of Object.entries(this.state)) {
      if (prune(counts, counts.windowMs, now) === 0) delete this.state[scope];
      else longest = Math.max(longest, counts.windowMs);
    }
    return longest;
  }
}
