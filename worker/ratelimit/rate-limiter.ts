/**
 * Exact rate limiting: one Durable Object per client identity (an address or a client
 * id) keeps the counters of counters.ts. A Durable Object processes one call at a time,
 * so concurrent requests are counted exactly (KV could not do this).
 */
import { DurableObject } from 'cloudflare:workers';
import { Counters, type CounterState, type Decision } from './counters.js';
import type { Rule } from './rules.js';

export type { Decision, ScopeState } from './counters.js';

const STATE_KEY = 'counts';

export class RateLimiter extends DurableObject<Env> {
  private counters = new Counters();
  private alarmSet = false;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    void ctx.blockConcurrencyWhile(async () => {
      this.counters = new Counters((await ctx.storage.get<CounterState>(STATE_KEY)) ?? {});
      this.alarmSet = (await ctx.storage.getAlarm()) !== null;
    });
  }

  private save(): void {
    // Counting is exact in memory (one call at a time); the copy on disk only has to
    // survive an eviction, so the answer does not wait for the write to be durable.
    // The state is at most 64 buckets per scope, whatever the traffic.
    void this.ctx.storage.put(STATE_KEY, this.counters.state, { allowUnconfirmed: true });
  }

  /**
   * Counts a request against every rule (all or nothing), or `want` of them at once as a
   * lease of `leaseMs` (see leases.ts).
   */
  async take(rules: Rule[], want = 1, leaseMs = 0): Promise<Decision> {
    const now = Date.now();
    const decision = this.counters.take(rules, now, want, leaseMs);
    if (decision.allowed) {
      this.save();
      if (!this.alarmSet) {
        this.alarmSet = true;
        await this.ctx.storage.setAlarm(now + leaseMs + Math.max(...rules.map((r) => r.windowMs)));
      }
    }
    return decision;
  }

  /**
   * Gives back `n` requests `take` counted at `countedAt`: another identity's budget
   * refused them, or a lease ended with them unspent.
   */
  async refund(rules: Rule[], countedAt: number, n = 1): Promise<void> {
    if (this.counters.refund(rules, countedAt, n)) this.save();
  }

  /** Requests counted per scope within `windowMs`; null where none (for `/rate_limit/`). */
  async usage(scopes: { scope: string; windowMs: number }[]): Promise<Record<string, number | null>> {
    return this.counters.usage(scopes, Date.now());
  }

  /** Windows expire: drop empty scopes, and the whole object once nothing is left. */
  async alarm(): Promise<void> {
    const now = Date.now();
    const longest = this.counters.expire(now);
    if (longest === 0) {
      await this.ctx.storage.deleteAll();
      this.alarmSet = false;
    } else {
      await this.ctx.storage.put(STATE_KEY, this.counters.state);
      await this.ctx.storage.setAlarm(now + longest);
    }
  }
}
