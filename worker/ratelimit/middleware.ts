/**
 * Applies the caller's budgets to every API request (§8.5): `X-RateLimit-Limit-<scope>` /
 * `X-RateLimit-Available-<scope>` headers, and a 429 with `Retry-After` when any budget
 * is spent. Budgets are drawn through this isolate's leases (leases.ts), so under steady
 * traffic most requests make no Durable Object call.
 */
import type { Context } from 'hono';
import { createMiddleware } from 'hono/factory';
import { matchedRoutes } from 'hono/route';
import { ApiError } from '../errors.js';
import type { AppEnv } from '../types.js';
import { LeaseBook, type Taken } from './leases.js';
import type { RateLimiter } from './rate-limiter.js';
import { type Budget, budgetsFor, failsClosed, permittedToCount, type RouteClass, tokenLookupBudget } from './rules.js';

const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}';
const ROUTE_CLASSES: [RegExp, RouteClass | null][] = [
  [new RegExp(`^/v1/images/${UUID}/thumb/$`), 'image_thumb'],
  [new RegExp(`^/v1/audio/${UUID}/(thumb|waveform)/$`), 'audio_media'],
  [/^\/v1\/rate_limit\/$/, 'rate_limit'],
  [/^\/v1\/auth_tokens\/register\/$/, 'register'],
  [/^\/v1\/auth_tokens\/token\/$/, 'token'],
  [/^\/v1\/(openapi\.json|docs\/.*)?$/, null],
  [/^\/v1\//, 'default'],
];

export function routeClassOf(path: string): RouteClass | null {
  for (const [pattern, routeClass] of ROUTE_CLASSES) if (pattern.test(path)) return routeClass;
  return null;
}

/** Per isolate: the leases held on clients' rate-limit objects. */
export const leases = new LeaseBook();

export const DEFAULT_LEASE_MS = 1000;

/** True when the request reached an endpoint: a 404 (or a slash redirect) matched middleware alone. */
export function reachesEndpoint(c: Context<AppEnv>): boolean {
  return matchedRoutes(c).some((r) => r.method !== 'ALL');
}

function limiterOf(c: Context<AppEnv>): DurableObjectNamespace<RateLimiter> | undefined {
  return c.env.RATE_LIMITER;
}

function deferOf(c: Context<AppEnv>) {
  return (p: Promise<unknown>) =>
    c.executionCtx.waitUntil(p.catch((err: Error) => c.get('log').warn('rate-limit lease settlement failed', { error: err.message })));
}

/** Takes one request from `budget` (through this isolate's leases). */
export function takeFrom(c: Context<AppEnv>, namespace: DurableObjectNamespace<RateLimiter>, budget: Budget): Promise<Taken> {
  const leaseMs = c.get('config').THROTTLE_LEASE_MS ?? DEFAULT_LEASE_MS;
  return leases.take(budget, () => namespace.get(namespace.idFromName(budget.identity)), leaseMs, deferOf(c));
}

/**
 * Whether this address may make one more database lookup of a token this isolate does
 * not know. Without a limiter binding (local tools) every lookup is allowed.
 */
export async function mayLookUpToken(c: Context<AppEnv>, ip: string): Promise<boolean> {
  const namespace = limiterOf(c);
  const budget = tokenLookupBudget(ip, c.get('config'));
  if (!namespace || !budget) return true;
  try {
    return (await takeFrom(c, namespace, budget)).allowed;
  } catch (err) {
    return limiterFailed(c, budget, err) === 'open';
  }
}

/** Limiter failures this isolate has seen, by the policy applied (read by tests and logged). */
export const limiterFailures = { open: 0, closed: 0 };

/**
 * The one place a limiter outage is decided: the budget kind's policy (rules.ts
 * `failsClosed`), logged at error level with the isolate's running count.
 */
function limiterFailed(c: Context<AppEnv>, budget: Budget, err: unknown): 'open' | 'closed' {
  const policy = failsClosed(budget.kind, c.get('config')) ? 'closed' : 'open';
  limiterFailures[policy]++;
  c.get('log').error(`rate limiter unavailable; request ${policy === 'open' ? 'allowed' : 'refused'}`, {
    kind: budget.kind,
    policy,
    failures_in_isolate: limiterFailures[policy],
    error: (err as Error).message,
  });
  return policy;
}

/**
 * Takes one request from every budget, all or nothing: taken one after another, and a
 * refusal gives back what the earlier ones counted. Throws the 429 (with the budgets'
 * headers and `Retry-After`) when one is spent; otherwise returns the headers to add.
 */
export async function limit(c: Context<AppEnv>, budgets: Budget[]): Promise<[string, string][]> {
  const namespace = limiterOf(c);
  if (!namespace || budgets.length === 0) return [];
  const taken: Taken[] = [];
  for (const b of budgets) {
    let t: Taken;
    try {
      t = await takeFrom(c, namespace, b);
    } catch (err) {
      if (limiterFailed(c, b, err) === 'open') continue;
      await Promise.all(taken.map((earlier) => earlier.giveBack().catch(() => {})));
      throw new ApiError('rate_limiter_unavailable', 'Rate limiting is unavailable. Try again shortly.');
    }
    taken.push(t);
    if (!t.allowed) {
      await Promise.all(taken.slice(0, -1).map((earlier) => earlier.giveBack()));
      break;
    }
  }
  const headers: [string, string][] = [];
  for (const t of taken) {
    for (const s of t.scopes) {
      headers.push([`X-RateLimit-Limit-${s.scope}`, String(s.limit)], [`X-RateLimit-Available-${s.scope}`, String(s.available)]);
    }
  }
  const refused = taken.filter((t) => !t.allowed);
  if (refused.length) {
    const wait = Math.max(...refused.map((t) => t.retryAfterSeconds), 1);
    for (const [k, v] of headers) c.header(k, v);
    c.header('Retry-After', String(wait));
    throw new ApiError('throttled', `Request was throttled. Expected available in ${wait} second${wait === 1 ? '' : 's'}.`);
  }
  return headers;
}

export const rateLimit = createMiddleware<AppEnv>(async (c, next) => {
  const routeClass = routeClassOf(c.req.path);
  if (!routeClass || !limiterOf(c) || c.req.method === 'OPTIONS') return next();
  // Only requests that reach an endpoint count (as in Openverse).
  if (!reachesEndpoint(c)) return next();
  // Nor does one its route refuses for permission (the route answers the 403).
  if (!permittedToCount(routeClass, c.get('caller'))) return next();
  const headers = await limit(c, budgetsFor(c.get('caller'), routeClass, c.get('config')));
  await next();
  for (const [k, v] of headers) c.res.headers.set(k, v);
});
