/**
 * Who is calling: the client address, and the API application when a valid, unexpired
 * bearer token was sent. Anything else (no header, another scheme, an unknown or
 * expired token) is anonymous, silently, as in Openverse (§2.4).
 */
import { createMiddleware } from 'hono/factory';
import { ACCESS_TOKEN_LENGTH, applicationForTokenHash, type Application } from '../db/api-keys.js';
import { mayLookUpToken, reachesEndpoint } from '../ratelimit/middleware.js';
import type { AppEnv } from '../types.js';
import { sha256Hex } from './secrets.js';
import { recallToken, rememberToken } from './token-memo.js';

export interface Caller {
  ip: string;
  application: Application | null;
}

/**
 * The client address: `CF-Connecting-IP`, which Cloudflare sets and clients cannot
 * forge. Locally, wrangler dev sets it to the loopback address; without it (a direct
 * call in tests) the caller is `unknown`, and all such callers share one budget.
 */
export function clientIp(headers: Headers): string {
  const ip = headers.get('cf-connecting-ip')?.trim() || 'unknown';
  // An IPv4 client written as an IPv4-mapped IPv6 address is that IPv4 client.
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(ip);
  if (mapped) return mapped[1];
  return ip.includes(':') ? ipv6Prefix(ip) : ip;
}

/** An IPv6 client owns its whole /64, so limits key on the prefix, not the address. */
function ipv6Prefix(ip: string): string {
  const [head, tail = ''] = ip.split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const full = [...left, ...Array(Math.max(0, 8 - left.length - right.length)).fill('0'), ...right];
  return `${full
    .slice(0, 4)
    .map((g) => g.toLowerCase().replace(/^0+(?=.)/, ''))
    .join(':')}::/64`;
}

/** Our tokens' exact shape: a malformed one is anonymous without a lookup. */
const BEARER = new RegExp(`^Bearer ([A-Za-z0-9]{${ACCESS_TOKEN_LENGTH}})$`);

/**
 * Resolves the caller before rate limiting (budgets depend on the key), so a token
 * reaches the database only when it is well formed, the request reaches an endpoint
 * (not a 404), this isolate does not remember it, and the address has lookups left.
 */
export const resolveCaller = createMiddleware<AppEnv>(async (c, next) => {
  const ip = clientIp(c.req.raw.headers);
  let application: Application | null = null;
  const token = BEARER.exec(c.req.header('authorization') ?? '')?.[1];
  if (token && reachesEndpoint(c)) {
    const hash = await sha256Hex(token);
    try {
      const known = recallToken(hash);
      if (known !== undefined) application = known;
      else if (await mayLookUpToken(c, ip)) {
        const found = await applicationForTokenHash(c.get('db')(), hash);
        rememberToken(hash, found);
        application = found?.application ?? null;
      } else c.get('log').warn('token lookups of this address spent; serving as anonymous');
    } catch (err) {
      // Without the database a key cannot be checked: serve as anonymous, not an error.
      c.get('log').warn('token lookup failed; serving as anonymous', { error: (err as Error).message });
    }
  }
  c.set('caller', { ip, application });
  await next();
});

/** Page-size and sort privileges belong to any valid token, verified or not (§8.6). */
export function isAuthenticated(caller: Caller | undefined): boolean {
  return !!caller?.application;
}
