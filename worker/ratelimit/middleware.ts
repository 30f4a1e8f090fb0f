/**
 * Applies the caller's budgets to every API request (§8.5): `X-RateLimit-Limit-<scope>` /
 * `X-RateLimit-Available-<scope>` headers, and a 429 with `Retry-After` when any budget
 * is spent. Budgets are drawn through this isolate's leases (leases.ts), so under steady
 * traffic most requests make no Durable Object call.
 */
import { createMiddleware } from 'hono/factory';
import { matchedRoutes } from 'hono/route';
import { ApiError } from '../errors.js';
import type { AppEnv } from '../types.js';
import { LeaseBook, type Taken } from './leases.js';
import { budgetsFor, type RouteClass } from './rules.js';

const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}';
const ROUTE_CLASSES: [RegExp, RouteClass | null][] = [
  [new RegExp(`^/v1/images/${UUID}/thumb/$`), 'image_thumb'],
  [new RegExp(`^/v1/audio/${UUID}/(thumb|waveform)/$`), 'audio_media'],
  [/^\/v1\/rate_limit\/$/, 'rate_limit'],
  [/^\/v1\/auth_tokens\/register\/$/, 'register'],
  [/^\/v1\/auth_tokens\/token\/$/, null],
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

export const rateLimit = createMiddleware<AppEnv>(async (c, next) => {
  const routeClass = routeClassOf(c.req.path);
  const namespace = c.env.RATE_LIMITER;
  if (!routeClass || !namespace || c.req.method === 'OPTIONS') return next();
  // Only requests that reach an endpoint count (as in Openverse): a 404, or the redirect
  // that adds a missing trailing slash, matched middleware alone.
  if (!matchedRoutes(c).some((r) => r.method !== 'ALL')) return next();
  const config = c.get('config');
  const budgets = budgetsFor(c.get('caller'), routeClass, config);
  const leaseMs = config.THROTTLE_LEASE_MS ?? DEFAULT_LEASE_MS;
  const defer = (p: Promise<unknown>) => c.executionCtx.waitUntil(p.catch((err: Error) => c.get('log').warn('rate-limit lease settlement failed', { error: err.message })));
  const taken: Taken[] = [];
  try {
    // One budget is the common case. Several (an unverified key: its address and its
    // client id) are all or nothing: taken one after another, and a refusal gives back
    // what the earlier ones counted.
    for (const b of budgets) {
      const t = await leases.take(b, () => namespace.get(namespace.idFromName(b.identity)), leaseMs, defer);
      taken.push(t);
      if (!t.allowed) {
        await Promise.all(taken.slice(0, -1).map((earlier) => earlier.giveBack()));
        break;
      }
    }
  } catch (err) {
    // Fail open: a limiter outage must not take the API down; it is logged and alerted on.
    c.get('log').error('rate limiter unavailable; request allowed', { error: (err as Error).message });
    return next();
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
  await next();
  for (const [k, v] of headers) c.res.headers.set(k, v);
});
