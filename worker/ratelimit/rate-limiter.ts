/**
 * Exact rate limiting: one Durable Object per client identity (an address or a client
 * id) keeps a sliding-window counter per scope. A Durable Object processes one call at
 * a time, so concurrent requests are counted exactly (KV could not do this).
 */
import { DurableObject } from 'cloudflare:workers';
import type { Rule } from './rules.js';
import { add, bucketWidth, emptyCounts, prune, rebucket, remove, waitForRoom, type WindowCounts } from './window-counter.js';

export interface ScopeState {
  scope: string;
  limit: number;
  /** Requests still allowed in the current window (after this one, when allowed). */
  available: number;
}

export interface Decision {
  allowed: boolean;
  /** Whole seconds until every refusing scope has room again (0 when allowed). */
  retryAfterSeconds: number;
  scopes: ScopeState[];
  /** When the request was counted (to give it back with `refund`). */
  countedAt: number;
}

/** Scope → counts; each scope remembers the window it was last counted with. */
type State = Record<string, WindowCounts & { windowMs: number }>;

const STATE_KEY = 'counts';

export class RateLimiter extends DurableObject {
  private state: State = {};
  private alarmSet = false;

  constructor(ctx: DurableObjectState, env: unknown) {
    super(ctx, env as never);
    void ctx.blockConcurrencyWhile(async () => {
      this.state = (await ctx.storage.get<State>(STATE_KEY)) ?? {};
      this.alarmSet = (await ctx.storage.getAlarm()) !== null;
    });
  }

  private counts(rule: Rule): WindowCounts & { windowMs: number } {
    const width = bucketWidth(rule.windowMs);
    const held = this.state[rule.scope];
    if (held && held.width === width) return held;
    // New scope, or its window was reconfigured.
    const fresh = { ...(held ? rebucket(held, width) : emptyCounts(rule.windowMs)), windowMs: rule.windowMs };
    this.state[rule.scope] = fresh;
    return fresh;
  }

  /**
   * Counts one request against every rule, or refuses it without counting when any
   * scope is full (all or nothing).
   */
  async take(rules: Rule[]): Promise<Decision> {
    const now = Date.now();
    const used = rules.map((r) => prune(this.counts(r), r.windowMs, now));
    let retryMs = 0;
    rules.forEach((r, i) => {
      if (used[i] >= r.limit) retryMs = Math.max(retryMs, waitForRoom(this.counts(r), r.windowMs, r.limit, now));
    });
    const allowed = retryMs === 0;
    if (allowed) for (const r of rules) add(this.counts(r), now);
    const scopes = rules.map((r, i) => ({ scope: r.scope, limit: r.limit, available: Math.max(0, r.limit - used[i] - (allowed ? 1 : 0)) }));
    if (allowed) {
      // Counting is exact in memory (one call at a time); the copy on disk only has to
      // survive an eviction, so the answer does not wait for the write to be durable.
      // The state is at most 64 buckets per scope, whatever the traffic.
      void this.ctx.storage.put(STATE_KEY, this.state, { allowUnconfirmed: true });
      if (!this.alarmSet) {
        this.alarmSet = true;
        await this.ctx.storage.setAlarm(now + Math.max(...rules.map((r) => r.windowMs)));
      }
    }
    return { allowed, retryAfterSeconds: allowed ? 0 : Math.ceil(retryMs / 1000), scopes, countedAt: now };
  }

  /**
   * Gives back a request `take` counted at `countedAt`: another identity's budget
   * refused it, and a refused request counts nowhere.
   */
  async refund(rules: Rule[], countedAt: number): Promise<void> {
    let changed = false;
    for (const r of rules) if (this.state[r.scope]) changed = remove(this.counts(r), countedAt) || changed;
    if (changed) void this.ctx.storage.put(STATE_KEY, this.state, { allowUnconfirmed: true });
  }

  /** Requests counted per scope within `windowMs`; null where none (for `/rate_limit/`). */
  async usage(scopes: { scope: string; windowMs: number }[]): Promise<Record<string, number | null>> {
    const now = Date.now();
    const out: Record<string, number | null> = {};
    for (const { scope, windowMs } of scopes) {
      const n = this.state[scope] ? prune(this.counts({ scope, windowMs, limit: 0 }), windowMs, now) : 0;
      out[scope] = n === 0 ? null : n;
    }
    return out;
  }

  /** Windows expire: drop empty scopes, and the whole object once nothing is left. */
  async alarm(): Promise<void> {
    const now = Date.now();
    let longest = 0;
    for (const [scope, counts] of Object.entries(this.state)) {
      if (prune(counts, counts.windowMs, now) === 0) delete this.state[scope];
      else longest = Math.max(longest, counts.windowMs);
    }
    if (Object.keys(this.state).length === 0) {
      await this.ctx.storage.deleteAll();
      this.alarmSet = false;
    } else {
      await this.ctx.storage.put(STATE_KEY, this.state);
      await this.ctx.storage.setAlarm(now + longest);
    }
  }
}
