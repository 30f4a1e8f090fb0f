/**
 * Exact rate limiting: one Durable Object per client identity (an address or a client
 * id) keeps a sliding log of request times per scope. A Durable Object processes one
 * call at a time, so concurrent requests are counted exactly (KV could not do this).
 */
import { DurableObject } from 'cloudflare:workers';
import type { Rule } from './rules.js';

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
}

type Log = Record<string, number[]>;

export class RateLimiter extends DurableObject {
  private log: Log = {};
  private alarmSet = false;

  constructor(ctx: DurableObjectState, env: unknown) {
    super(ctx, env as never);
    void ctx.blockConcurrencyWhile(async () => {
      this.log = (await ctx.storage.get<Log>('log')) ?? {};
      this.alarmSet = (await ctx.storage.getAlarm()) !== null;
    });
  }

  private prune(now: number, windows: Map<string, number>): void {
    for (const [scope, times] of Object.entries(this.log)) {
      const window = windows.get(scope);
      if (window === undefined) continue;
      const from = now - window;
      let i = 0;
      while (i < times.length && times[i] <= from) i++;
      if (i) this.log[scope] = times.slice(i);
    }
  }

  /**
   * Counts one request against every rule, or refuses it without counting when any
   * scope is full (all or nothing).
   */
  async take(rules: Rule[]): Promise<Decision> {
    const now = Date.now();
    this.prune(now, new Map(rules.map((r) => [r.scope, r.windowMs])));
    let retryMs = 0;
    for (const r of rules) {
      const times = this.log[r.scope] ?? [];
      if (times.length >= r.limit) retryMs = Math.max(retryMs, times[times.length - r.limit] + r.windowMs - now);
    }
    const allowed = retryMs === 0;
    if (allowed) for (const r of rules) (this.log[r.scope] ??= []).push(now);
    const scopes = rules.map((r) => ({ scope: r.scope, limit: r.limit, available: Math.max(0, r.limit - (this.log[r.scope]?.length ?? 0)) }));
    if (allowed) {
      // Counting is exact in memory (one call at a time); the copy on disk only has to
      // survive an eviction, so the answer does not wait for the write to be durable.
      void this.ctx.storage.put('log', this.log, { allowUnconfirmed: true });
      if (!this.alarmSet) {
        this.alarmSet = true;
        await this.ctx.storage.setAlarm(now + Math.max(...rules.map((r) => r.windowMs)));
      }
    }
    return { allowed, retryAfterSeconds: allowed ? 0 : Math.ceil(retryMs / 1000), scopes };
  }

  /** Requests counted per scope within `windowMs`; null where none (for `/rate_limit/`). */
  async usage(scopes: { scope: string; windowMs: number }[]): Promise<Record<string, number | null>> {
    const now = Date.now();
    const out: Record<string, number | null> = {};
    for (const { scope, windowMs } of scopes) {
      const n = (this.log[scope] ?? []).filter((t) => t > now - windowMs).length;
      out[scope] = n === 0 ? null : n;
    }
    return out;
  }

  /** Windows expire: drop old entries, and the whole object once nothing is left. */
  async alarm(): Promise<void> {
    const now = Date.now();
    const day = 86_400_000;
    for (const [scope, times] of Object.entries(this.log)) {
      const kept = times.filter((t) => t > now - day);
      if (kept.length) this.log[scope] = kept;
      else delete this.log[scope];
    }
    if (Object.keys(this.log).length === 0) {
      await this.ctx.storage.deleteAll();
      this.alarmSet = false;
    } else {
      await this.ctx.storage.put('log', this.log);
      await this.ctx.storage.setAlarm(now + day);
    }
  }
}
