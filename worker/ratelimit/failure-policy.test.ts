/**
 * What a request gets while the rate-limit Durable Object fails: each budget kind's
 * policy (THROTTLE_FAIL_CLOSED), logged and counted. The outage is a namespace whose
 * objects throw on every call, as a reset or unreachable object does.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { fetchWith, uniqueIp } from '../test-helpers.js';
import { limiterFailures } from './middleware.js';

const failing = new Error('Durable Object reset because its code was updated.');
const BROKEN_LIMITER = {
  idFromName: (name: string) => ({ name }),
  get: () => ({
    take: () => Promise.reject(failing),
    refund: () => Promise.reject(failing),
    usage: () => Promise.reject(failing),
  }),
};
const outage = (extra: Record<string, unknown> = {}) => ({ RATE_LIMITER: BROKEN_LIMITER, THROTTLE_LEASE_MS: '0', ...extra });

afterEach(() => vi.restoreAllMocks());

async function errorLines(fn: () => Promise<Response>): Promise<{ res: Response; lines: string[] }> {
  const lines: string[] = [];
  vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => void lines.push(a.map(String).join(' ')));
  const res = await fn();
  vi.restoreAllMocks();
  return { res, lines: lines.filter((l) => l.includes('rate limiter unavailable')) };
}

describe('limiter outage policy', () => {
  it('anonymous search fails open, logged and counted', async () => {
    const before = limiterFailures.open;
    const { res, lines } = await errorLines(() =>
      fetchWith('/v1/images/?page_size=1', { headers: { 'CF-Connecting-IP': uniqueIp() } }, outage()),
    );
    expect(res.status).toBe(200);
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0])).toMatchObject({ msg: 'rate limiter unavailable; request allowed', kind: 'anonymous', policy: 'open' });
    expect(limiterFailures.open).toBe(before + 1);
  });

  it('registration fails closed by default: a 503, not an unlimited mail service', async () => {
    const before = limiterFailures.closed;
    const body = JSON.stringify({ name: `app-${crypto.randomUUID()}`, description: 'Testing the API.', email: 'dev@example.org' });
    const { res, lines } = await errorLines(() =>
      fetchWith(
        '/v1/auth_tokens/register/',
        { method: 'POST', headers: { 'Content-Type': 'application/json', 'CF-Connecting-IP': uniqueIp() }, body },
        outage(),
      ),
    );
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({ detail: 'Rate limiting is unavailable. Try again shortly.' });
    expect(JSON.parse(lines[0])).toMatchObject({ kind: 'register', policy: 'closed' });
    expect(limiterFailures.closed).toBe(before + 1);
  });

  it('the policy is configurable per kind', async () => {
    const ip = uniqueIp();
    const closed = await errorLines(() =>
      fetchWith('/v1/images/?page_size=1', { headers: { 'CF-Connecting-IP': ip } }, outage({ THROTTLE_FAIL_CLOSED: 'anonymous' })),
    );
    expect(closed.res.status).toBe(503);
    const body = JSON.stringify({ name: `app-${crypto.randomUUID()}`, description: 'Testing the API.', email: 'dev@example.org' });
    const open = await errorLines(() =>
      fetchWith(
        '/v1/auth_tokens/register/',
        { method: 'POST', headers: { 'Content-Type': 'application/json', 'CF-Connecting-IP': ip }, body },
        outage({ THROTTLE_FAIL_CLOSED: '' }),
      ),
    );
    expect(open.res.status).toBe(201);
  });

  it('GET /v1/rate_limit/ with the limiter down and failing open: usage unknown, not a 500', async () => {
    const reg = await fetchWith('/v1/auth_tokens/register/', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ name: `app-${crypto.randomUUID()}`, description: 'Testing the API.', email: 'dev@example.org' }),
    });
    const app = (await reg.json()) as { client_id: string; client_secret: string };
    const tok = await fetchWith('/v1/auth_tokens/token/', {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: app.client_id,
        client_secret: app.client_secret,
      }).toString(),
    });
    const { access_token } = (await tok.json()) as { access_token: string };
    const { res } = await errorLines(() =>
      fetchWith(
        '/v1/rate_limit/',
        { headers: { Authorization: `Bearer ${access_token}`, 'CF-Connecting-IP': uniqueIp() } },
        outage({ THROTTLE_FAIL_CLOSED: '' }),
      ),
    );
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ requests_this_minute: null, requests_today: null });
  });
});
