/**
 * Rate-limit budget taken in leases. Asking a client's Durable Object on every request
 * costs a round trip to wherever the object lives (on Cloudflare, possibly another
 * continent; locally, ≈2.7 ms). Under steady traffic this isolate instead takes up to
 * MAX_LEASE requests at once, as many as it saw in the last second or two, and spends
 * them without a call for at most the lease length.
 *
 * Never more than the limit: the object counts a lease in full when it grants it, dated
 * at the lease's end, so no request spent from it counts earlier than it ran; leases are
 * granted only on windows ≥ 60 leases long, and at most a quarter of what is left, so the
 * last requests of a window are still taken one by one. Unspent requests are given back
 * when the lease ends. Within one isolate, one call per client is in flight at a time and
 * the others wait for it, so 50 parallel requests against a limit of 10 still admit
 * exactly 10. What a lease can cost: a refusal up to one lease length early, and, if the
 * isolate dies holding a lease, its unspent requests stay counted until they expire.
 */
import type { Decision, ScopeState } from './counters.js';
import type { Budget, Rule } from './rules.js';

/** The calls made on a client's rate-limit object (a Durable Object stub). */
export interface LimiterStub {
  take(rules: Rule[], want?: number, leaseMs?: number): Promise<Decision>;
  refund(rules: Rule[], countedAt: number, n?: number): Promise<void>;
}

/** One request's draw on one budget. */
export interface Taken {
  allowed: boolean;
  retryAfterSeconds: number;
  scopes: ScopeState[];
  /** Gives the request back (another budget of the same request refused it). */
  giveBack(): Promise<void>;
}

interface Lease {
  /** Requests left to spend. */
  tokens: number;
  /** Spend before this (this isolate's clock: the call was sent at `until` − lease length). */
  until: number;
  countedAt: number;
  /** Each scope's state after the grant, excluding the lease's own requests. */
  scopes: ScopeState[];
  settled: boolean;
}

interface Pool {
  identity: string;
  scopes: string[];
  leases: Lease[];
  /** The one call to the object this isolate has in flight for this budget. */
  inflight: Promise<Decision> | null;
  /** Requests seen in the current second (`slot`) and the one before it. */
  slot: number;
  current: number;
  previous: number;
}

/** A request waits this long for another request's call before making its own. */
const WAIT_FOR_CALL_MS = 2000;
/** Budgets tracked per isolate before idle ones are dropped. */
const MAX_POOLS = 4096;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export class LeaseBook {
  private pools = new Map<string, Pool>();

  /**
   * Takes one request from `budget`. `stubOf` reaches the budget's object, only when a
   * call is made (naming the object hashes its identity); `defer` keeps a promise alive
   * after the response (the lease's settlement); `leaseMs` 0 takes every request from
   * the object.
   */
  async take(budget: Budget, stubOf: () => LimiterStub, leaseMs: number, defer: (p: Promise<unknown>) => void): Promise<Taken> {
    const key = `${budget.identity}|${budget.rules.map((r) => `${r.scope}:${r.limit}/${r.windowMs}`).join(',')}`;
    const pool = this.pool(key, budget);
    const start = Date.now();
    note(pool, start);
    for (let attempt = 0; ; attempt++) {
      const spent = this.spend(pool, budget.rules, stubOf, Date.now());
      if (spent) return spent;
      if (pool.inflight && attempt < 3) {
        const answer = await Promise.race([pool.inflight, sleep(WAIT_FOR_CALL_MS).then(() => null)]);
        if (answer && !answer.allowed) return refusal(answer);
        if (answer) continue; // its lease may have a request for this one
      }
      return this.call(pool, budget.rules, stubOf(), leaseMs, defer);
    }
  }

  /** Requests this isolate holds unspent in leases on `identity`'s `scope` (for `/rate_limit/`). */
  unspent(identity: string, scope: string): number {
    let n = 0;
    const now = Date.now();
    for (const pool of this.pools.values()) {
      if (pool.identity !== identity || !pool.scopes.includes(scope)) continue;
      for (const l of pool.leases) if (!l.settled && l.until > now) n += l.tokens;
    }
    return n;
  }

  private pool(key: string, budget: Budget): Pool {
    let pool = this.pools.get(key);
    if (!pool) {
      if (this.pools.size >= MAX_POOLS) this.sweep();
      pool = {
        identity: budget.identity,
        scopes: budget.rules.map((r) => r.scope),
        leases: [],
        inflight: null,
        slot: 0,
        current: 0,
        previous: 0,
      };
      this.pools.set(key, pool);
    }
    return pool;
  }

  /** Drops budgets with nothing held and no recent traffic. */
  private sweep(): void {
    const slot = Math.floor(Date.now() / 1000);
    for (const [key, pool] of this.pools) {
      if (!pool.inflight && pool.leases.length === 0 && pool.slot < slot - 1) this.pools.delete(key);
    }
  }

  private spend(pool: Pool, rules: Rule[], stubOf: () => LimiterStub, now: number): Taken | null {
    pool.leases = pool.leases.filter((l) => !l.settled && l.until > now);
    const lease = pool.leases.find((l) => l.tokens > 0);
    if (!lease) return null;
    lease.tokens--;
    return {
      allowed: true,
      retryAfterSeconds: 0,
      scopes: lease.scopes.map((s) => ({ ...s, available: s.available + lease.tokens })),
      giveBack: async () => {
        if (!lease.settled && Date.now() < lease.until) lease.tokens++;
        else await stubOf().refund(rules, lease.countedAt, 1);
      },
    };
  }

  private async call(pool: Pool, rules: Rule[], stub: LimiterStub, leaseMs: number, defer: (p: Promise<unknown>) => void): Promise<Taken> {
    const want = leaseMs > 0 ? pool.current + pool.previous : 1;
    const sentAt = Date.now();
    const call = stub.take(rules, want, leaseMs);
    pool.inflight = call;
    let d: Decision;
    try {
      d = await call;
    } finally {
      if (pool.inflight === call) pool.inflight = null;
    }
    if (!d.allowed) return refusal(d);
    if (d.granted > 1) {
      const lease: Lease = { tokens: d.granted - 1, until: sentAt + leaseMs, countedAt: d.countedAt, scopes: d.scopes, settled: false };
      pool.leases.push(lease);
      defer(
        sleep(Math.max(0, lease.until - Date.now())).then(() => {
          lease.settled = true;
          const unspent = lease.tokens;
          lease.tokens = 0;
          return unspent > 0 ? stub.refund(rules, lease.countedAt, unspent) : undefined;
        }),
      );
      return {
        allowed: true,
        retryAfterSeconds: 0,
        scopes: d.scopes.map((s) => ({ ...s, available: s.available + lease.tokens })),
        giveBack: async () => {
          if (!lease.settled) lease.tokens++;
          else await stub.refund(rules, d.countedAt, 1);
        },
      };
    }
    return { allowed: true, retryAfterSeconds: 0, scopes: d.scopes, giveBack: () => stub.refund(rules, d.countedAt, 1) };
  }
}

function refusal(d: Decision): Taken {
  return { allowed: false, retryAfterSeconds: d.retryAfterSeconds, scopes: d.scopes, giveBack: async () => {} };
}

/** Counts a request towards the demand that sizes the next lease. */
function note(pool: Pool, now: number): void {
  const slot = Math.floor(now / 1000);
  if (slot !== pool.slot) {
    pool.previous = slot === pool.slot + 1 ? pool.current : 0;
    pool.current = 0;
    pool.slot = slot;
  }
  pool.current++;
}
