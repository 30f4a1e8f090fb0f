import { sql } from 'drizzle-orm';
import { env } from 'cloudflare:workers';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createApp } from '../../app.js';
import { sha256Hex } from '../../auth/secrets.js';
import { fetchUnsettled, fetchWith, get, getJson, uniqueIp, withDb } from '../../test-helpers.js';

/** Collects every log line (the logger writes each level through its own console method). */
function captureLogs(lines: string[]): void {
  const capture = (...a: unknown[]) => void lines.push(a.map(String).join(' '));
  for (const method of ['log', 'info', 'warn', 'error'] as const) vi.spyOn(console, method).mockImplementation(capture);
}

/** Registers an application and reads the verification link the local mailer logs. */
async function registerWithLink() {
  const lines: string[] = [];
  captureLogs(lines);
  const app = await register();
  vi.restoreAllMocks();
  const link = new URL(JSON.parse(lines.find((l) => l.includes('verification mail'))!).verify_url);
  return { app, link, code: link.pathname.split('/').at(-2)! };
}

const json = (body: unknown, headers: Record<string, string> = {}) => ({
  method: 'POST',
  headers: { 'Content-Type': 'application/json', ...headers },
  body: JSON.stringify(body),
});
const form = (fields: Record<string, string>, headers: Record<string, string> = {}) => ({
  method: 'POST',
  headers: { 'Content-Type': 'application/x-www-form-urlencoded', ...headers },
  body: new URLSearchParams(fields).toString(),
});

async function register(name = `app-${crypto.randomUUID()}`) {
  const { body } = await getJson(
    '/v1/auth_tokens/register/',
    201,
    json({ name, description: 'Testing the API.', email: 'dev@example.org' }),
  );
  return body as { client_id: string; client_secret: string; name: string; msg: string };
}

async function token(clientId: string, secret: string) {
  const { body, res } = await getJson(
    '/v1/auth_tokens/token/',
    200,
    form({ grant_type: 'client_credentials', client_id: clientId, client_secret: secret }),
  );
  return { body: body as { access_token: string; expires_in: number; token_type: string; scope: string }, res };
}

afterEach(() => vi.restoreAllMocks());

describe('POST /v1/auth_tokens/register/', () => {
  it('registers with JSON or a form and shows the secret once', async () => {
    const created = await register();
    expect(created.client_id).toMatch(/^[A-Za-z0-9]{40}$/);
    expect(created.client_secret).toMatch(/^[A-Za-z0-9]{128}$/);
    expect(created.msg).toBe('Check your email for a verification link.');
    const { body } = await getJson(
      '/v1/auth_tokens/register/',
      201,
      form({ name: `form-${crypto.randomUUID()}`, description: 'd', email: 'a@b.co' }),
    );
    expect(Object.keys(body)).toEqual(['client_id', 'client_secret', 'name', 'msg']);
  });

  it('answers field errors unwrapped, as the original does', async () => {
    const name = `dup-${crypto.randomUUID()}`;
    await register(name);
    const dup = await getJson('/v1/auth_tokens/register/', 400, json({ name, description: 'x', email: 'a@b.co' }));
    expect(dup.body).toEqual({ name: ['o auth2 registration with this name already exists.'] });
    const missing = await getJson('/v1/auth_tokens/register/', 400, json({ name: 'n' }));
    expect(missing.body).toEqual({ description: ['This field is required.'], email: ['This field is required.'] });
    const email = await getJson('/v1/auth_tokens/register/', 400, json({ name: 'n', description: 'd', email: 'not-an-email' }));
    expect(email.body).toEqual({ email: ['Enter a valid email address.'] });
    const long = await getJson('/v1/auth_tokens/register/', 400, json({ name: 'x'.repeat(151), description: 'd', email: 'a@b.co' }));
    expect(long.body).toEqual({ name: ['Ensure this field has no more than 150 characters.'] });
  });

  it('refuses other bodies with the right 4xx', async () => {
    await getJson('/v1/auth_tokens/register/', 415, { method: 'POST', headers: { 'Content-Type': 'text/plain' }, body: 'hi' });
    const bad = await getJson('/v1/auth_tokens/register/', 400, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: '{"name": ',
    });
    expect(bad.body.detail).toMatch(/^JSON parse error/);
    await getJson('/v1/auth_tokens/register/', 413, json({ name: 'n', description: 'x'.repeat(70_000), email: 'a@b.co' }));
    await getJson('/v1/auth_tokens/register/', 400, json([1, 2]));
  });
});

describe('POST /v1/auth_tokens/token/', () => {
  it('issues a bearer token for form or Basic credentials, never cached', async () => {
    const app = await register();
    const { body, res } = await token(app.client_id, app.client_secret);
    expect(body).toMatchObject({ expires_in: 43200, token_type: 'Bearer', scope: 'read write' });
    expect(body.access_token).toMatch(/^[A-Za-z0-9]{30}$/);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const basic = btoa(`${app.client_id}:${app.client_secret}`);
    await getJson('/v1/auth_tokens/token/', 200, form({ grant_type: 'client_credentials' }, { Authorization: `Basic ${basic}` }));
  });

  it('answers RFC 6749 errors', async () => {
    const app = await register();
    const wrong = await getJson(
      '/v1/auth_tokens/token/',
      401,
      form({ grant_type: 'client_credentials', client_id: app.client_id, client_secret: 'nope' }),
    );
    expect(wrong.body).toEqual({ error: 'invalid_client' });
    const forged = await getJson(
      '/v1/auth_tokens/token/',
      401,
      form({ grant_type: 'client_credentials', client_id: 'x'.repeat(40), client_secret: app.client_secret }),
    );
    expect(forged.body).toEqual({ error: 'invalid_client' });
    expect((await getJson('/v1/auth_tokens/token/', 400, form({ grant_type: 'password', client_id: app.client_id }))).body).toEqual({
      error: 'unsupported_grant_type',
    });
    expect((await getJson('/v1/auth_tokens/token/', 400, form({ client_id: app.client_id }))).body).toEqual({ error: 'invalid_request' });
    await getJson('/v1/auth_tokens/token/', 401, form({ grant_type: 'client_credentials' }, { Authorization: 'Basic !!!' }));
    await getJson('/v1/auth_tokens/token/', 401, form({ grant_type: 'client_credentials' }, { Authorization: `Basic ${btoa('abc:%zz')}` }));
  });
});

describe('using a token', () => {
  it('lifts the page-size limit to 500; a bad or expired token is anonymous', async () => {
    const app = await register();
    const { body: t } = await token(app.client_id, app.client_secret);
    const auth = { headers: { Authorization: `Bearer ${t.access_token}` } };
    expect((await getJson('/v1/images/?page_size=100', 200, auth)).body.page_size).toBe(100);
    expect((await getJson('/v1/images/?page_size=501', 400, auth)).body).toEqual({
      detail: { page_size: ['Ensure this value is less than or equal to 500.'] },
    });
    await getJson('/v1/images/?page_size=100', 401, { headers: { Authorization: 'Bearer nottherealtoken' } });
    await getJson('/v1/images/?page_size=100', 401, { headers: { Authorization: `Token ${t.access_token}` } });

    const short = await fetchWith(
      '/v1/auth_tokens/token/',
      form({ grant_type: 'client_credentials', client_id: app.client_id, client_secret: app.client_secret }),
      {
        ACCESS_TOKEN_EXPIRE_SECONDS: '1',
      },
    );
    const expiring = ((await short.json()) as { access_token: string }).access_token;
    await getJson('/v1/images/?page_size=100', 200, { headers: { Authorization: `Bearer ${expiring}` } });
    await new Promise((r) => setTimeout(r, 1200));
    await getJson('/v1/images/?page_size=100', 401, { headers: { Authorization: `Bearer ${expiring}` } });
  });

  it('GET /v1/rate_limit/ describes the key; without one it is the string "Forbidden"', async () => {
    const none = await getJson('/v1/rate_limit/', 403);
    expect(none.body).toBe('Forbidden');
    const app = await register();
    const { body: t } = await token(app.client_id, app.client_secret);
    const { body } = await getJson('/v1/rate_limit/', 200, { headers: { Authorization: `Bearer ${t.access_token}` } });
    expect(body).toEqual({ requests_this_minute: null, requests_today: null, rate_limit_model: 'standard', verified: false });
  });
});

describe('email verification', () => {
  it('verifies with the mailed link once; secrets never reach the logs', async () => {
    const lines: string[] = [];
    captureLogs(lines);
    const app = await register();
    const { body: t } = await token(app.client_id, app.client_secret);
    await getJson('/v1/images/?page_size=1', 200, { headers: { Authorization: `Bearer ${t.access_token}` } });
    vi.restoreAllMocks();
    const mail = lines.find((l) => l.includes('verification mail'));
    expect(mail, lines.join('\n')).toBeTruthy();
    const link = new URL(JSON.parse(mail!).verify_url);
    const first = await getJson(link.pathname, 200);
    expect(first.body).toEqual({ msg: 'Successfully verified email. Your OAuth2 credentials are now active.' });
    const again = await getJson(link.pathname, 404);
    expect(again.body).toEqual({ msg: 'Invalid verification code. Did you validate your credentials already?' });
    const all = lines.join('\n');
    expect(all).not.toContain(app.client_secret);
    expect(all).not.toContain(t.access_token);
    const info = await getJson('/v1/rate_limit/', 200, { headers: { Authorization: `Bearer ${t.access_token}` } });
    expect(info.body.verified).toBe(true);
  });
});

describe('verification codes', () => {
  it('never reach the request log', async () => {
    const { code, link } = await registerWithLink();
    const lines: string[] = [];
    captureLogs(lines);
    await getJson(link.pathname, 200);
    await getJson(link.pathname, 404);
    vi.restoreAllMocks();
    const requests = lines.filter((l) => l.includes('"msg":"request"'));
    expect(requests.length, lines.join('\n')).toBe(2);
    for (const line of requests) {
      expect(line).not.toContain(code);
      expect(JSON.parse(line).path).toBe('/v1/auth_tokens/verify/[redacted]/');
    }
  });

  it('expire after 7 days', async () => {
    const { link, code } = await registerWithLink();
    const hash = await sha256Hex(code);
    await withDb((db) =>
      db.execute(sql`update api_verification set created_on = now() - interval '7 days 1 minute' where code_hash = ${hash}`),
    );
    const { body } = await getJson(link.pathname, 404);
    expect(body).toEqual({ msg: 'Invalid verification code. Did you validate your credentials already?' });
  });

  it('stay valid when verifying fails on our side', async () => {
    const { app, link } = await registerWithLink();
    // A real database failure while the application is marked verified.
    const fn = `edgeverse_test_fail_${app.client_id.toLowerCase()}`;
    await withDb(async (db) => {
      await db.execute(
        sql.raw(`create function ${fn}() returns trigger language plpgsql as $$ begin raise exception 'simulated failure'; end $$`),
      );
      await db.execute(
        sql.raw(
          `create trigger ${fn} before update on api_application for each row when (new.client_id = '${app.client_id}') execute function ${fn}()`,
        ),
      );
    });
    try {
      vi.spyOn(console, 'error').mockImplementation(() => {});
      const failed = await get(link.pathname);
      vi.restoreAllMocks();
      expect(failed.status).toBeGreaterThanOrEqual(500);
    } finally {
      await withDb(async (db) => {
        await db.execute(sql.raw(`drop trigger ${fn} on api_application`));
        await db.execute(sql.raw(`drop function ${fn}()`));
      });
    }
    const { body } = await getJson(link.pathname, 200);
    expect(body).toEqual({ msg: 'Successfully verified email. Your OAuth2 credentials are now active.' });
  });
});

/** A well-formed token that no application holds. */
function randomToken(): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  return Array.from(crypto.getRandomValues(new Uint8Array(30)), (b) => alphabet[b % alphabet.length]).join('');
}

/** Runs `fn` and returns the log lines it wrote. */
async function logsOf(fn: () => Promise<unknown>): Promise<string[]> {
  const lines: string[] = [];
  captureLogs(lines);
  try {
    await fn();
  } finally {
    vi.restoreAllMocks();
  }
  return lines;
}

// The database is unreachable here, so every lookup that reaches it logs a failure.
const NO_DATABASE = { NEON_WS_PROXY: '127.0.0.1:9' };
const lookups = (lines: string[]) => lines.filter((l) => l.includes('token lookup failed')).length;

describe('database work before the rate limiter', () => {
  it('a malformed token, or any token on a path with no endpoint, is anonymous without a lookup', async () => {
    const ip = uniqueIp();
    const lines = await logsOf(async () => {
      for (const auth of ['Bearer short', `Bearer ${randomToken()}x`, `Bearer ${'a'.repeat(200)}`]) {
        expect(
          (await fetchWith('/v1/images/?page_size=1', { headers: { 'CF-Connecting-IP': ip, Authorization: auth } }, NO_DATABASE)).status,
        ).toBe(200);
      }
      expect(
        (
          await fetchWith(
            '/v1/nothing-here/',
            { headers: { 'CF-Connecting-IP': ip, Authorization: `Bearer ${randomToken()}` } },
            NO_DATABASE,
          )
        ).status,
      ).toBe(404);
    });
    expect(lookups(lines), lines.join('\n')).toBe(0);
    // The observation works: a well-formed unknown token on an endpoint is looked up.
    const control = await logsOf(() =>
      fetchWith('/v1/images/?page_size=1', { headers: { 'CF-Connecting-IP': ip, Authorization: `Bearer ${randomToken()}` } }, NO_DATABASE),
    );
    expect(lookups(control)).toBe(1);
  });

  it('bounds lookups of unknown tokens per address before they reach the database', async () => {
    const ip = uniqueIp();
    const limits = { ...NO_DATABASE, THROTTLE_TOKEN_LOOKUP: '3/minute' };
    const lines = await logsOf(async () => {
      for (let i = 0; i < 6; i++) {
        const res = await fetchWith(
          '/v1/images/?page_size=1',
          { headers: { 'CF-Connecting-IP': ip, Authorization: `Bearer ${randomToken()}` } },
          limits,
        );
        expect(res.status).toBe(200);
      }
    });
    expect(lookups(lines), lines.join('\n')).toBe(3);
    expect(lines.filter((l) => l.includes('token lookups of this address spent'))).toHaveLength(3);
    // Another address has its own budget.
    const other = await logsOf(() =>
      fetchWith(
        '/v1/images/?page_size=1',
        { headers: { 'CF-Connecting-IP': uniqueIp(), Authorization: `Bearer ${randomToken()}` } },
        limits,
      ),
    );
    expect(lookups(other)).toBe(1);
  });

  it('throttles the token endpoint per address', async () => {
    const app = await register();
    const ip = uniqueIp();
    const statuses = [];
    for (let i = 0; i < 3; i++) {
      const res = await fetchWith(
        '/v1/auth_tokens/token/',
        form({ grant_type: 'client_credentials', client_id: app.client_id, client_secret: app.client_secret }, { 'CF-Connecting-IP': ip }),
        { THROTTLE_TOKEN: '2/minute' },
      );
      statuses.push(res.status);
    }
    expect(statuses).toEqual([200, 200, 429]);
  });

  it('health checks share one probe per dependency for a few seconds, whoever asks', async () => {
    const app = createApp();
    const bindings = { ...env, ...NO_DATABASE };
    const lines = await logsOf(async () => {
      const answers = await Promise.all(Array.from({ length: 5 }, () => app.request('/healthcheck/', {}, bindings)));
      answers.push(await app.request('/healthcheck/?check_es=1', {}, bindings));
      expect(answers.map((r) => r.status)).toEqual(Array(6).fill(503));
    });
    expect(
      lines.filter((l) => l.includes('healthcheck: database unreachable')),
      lines.join('\n'),
    ).toHaveLength(1);
  });
});

describe('registration limits', () => {
  const registration = (email = 'dev@example.org') => ({ name: `app-${crypto.randomUUID()}`, description: 'Testing the API.', email });

  it('a verified key lifts no limit: registrations are counted per address and per key', async () => {
    const { app, link } = await registerWithLink();
    await getJson(link.pathname, 200);
    const { body: t } = await token(app.client_id, app.client_secret);
    const limits = { THROTTLE_REGISTER: '2/day' };
    const ip = uniqueIp();
    const keyed = (from: string) => json(registration(), { Authorization: `Bearer ${t.access_token}`, 'CF-Connecting-IP': from });
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await fetchWith('/v1/auth_tokens/register/', keyed(ip), limits)).status);
    expect(statuses).toEqual([201, 201, 429]);
    // A fresh address does not reset the key's own count.
    const elsewhere = await fetchWith('/v1/auth_tokens/register/', keyed(uniqueIp()), limits);
    expect(elsewhere.status).toBe(429);
    expect(elsewhere.headers.get('x-ratelimit-available-register_key')).toBe('0');
  });

  it('limits verification mails per recipient, whoever registers', async () => {
    const victim = `victim-${crypto.randomUUID()}@example.org`;
    const limits = { THROTTLE_MAIL_RECIPIENT: '2/day' };
    const statuses = [];
    for (let i = 0; i < 3; i++) {
      const res = await fetchWith(
        '/v1/auth_tokens/register/',
        json(registration(i === 2 ? victim.toUpperCase() : victim), { 'CF-Connecting-IP': uniqueIp() }),
        limits,
      );
      statuses.push(res.status);
    }
    expect(statuses).toEqual([201, 201, 429]);
    const other = await fetchWith(
      '/v1/auth_tokens/register/',
      json(registration(`other-${crypto.randomUUID()}@example.org`), { 'CF-Connecting-IP': uniqueIp() }),
      limits,
    );
    expect(other.status).toBe(201);
  });
});

describe('rate limits', () => {
  it.each([
    ['asking the limiter each time', '0'],
    ['with leases', '200'],
  ])('are exact under concurrency: 50 parallel requests against a limit of 10 (%s)', async (_, leaseMs) => {
    const ip = uniqueIp();
    const limits = { THROTTLE_ANON_BURST: '10/min', THROTTLE_LEASE_MS: leaseMs };
    const responses = await Promise.all(
      Array.from({ length: 50 }, () => fetchWith('/v1/images/?page_size=1', { headers: { 'CF-Connecting-IP': ip } }, limits)),
    );
    const statuses = responses.map((r) => r.status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(10);
    expect(statuses.filter((s) => s === 429)).toHaveLength(40);
    const refused = responses.find((r) => r.status === 429)!;
    const wait = Number(refused.headers.get('retry-after'));
    expect(wait).toBeGreaterThan(0);
    expect(await refused.json()).toEqual({
      detail: `Request was throttled. Expected available in ${wait} second${wait === 1 ? '' : 's'}.`,
    });
    expect(refused.headers.get('x-ratelimit-limit-anon_burst')).toBe('10');
    expect(refused.headers.get('x-ratelimit-available-anon_burst')).toBe('0');
  });

  it('GET /v1/rate_limit/ counts the requests made, not the lease this isolate holds', async () => {
    const app = await register();
    const { body: t } = await token(app.client_id, app.client_secret);
    const limits = { THROTTLE_STANDARD_BURST: '1000/min', THROTTLE_LEASE_MS: '500' };
    const keyed = { headers: { Authorization: `Bearer ${t.access_token}`, 'CF-Connecting-IP': uniqueIp() } };
    const round = (n: number) => Promise.all(Array.from({ length: n }, () => fetchUnsettled('/v1/images/?page_size=1', keyed, limits)));
    // The second round's call asks for a lease sized by both rounds and spends 3 of it.
    const sent = [...(await round(9)), ...(await round(3))];
    expect(sent.map((s) => s.res.status)).toEqual(Array(12).fill(200));
    // The budget's headers count down one request at a time, lease or not.
    const available = sent
      .map((s) => Number(s.res.headers.get('x-ratelimit-available-oauth2_client_credentials_burst')))
      .sort((a, b) => b - a);
    expect(available).toEqual(Array.from({ length: 12 }, (_, i) => 999 - i));
    const { res, after } = await fetchUnsettled('/v1/rate_limit/', keyed, limits);
    expect(await res.json()).toMatchObject({ requests_this_minute: 12, requests_today: 12 });
    await Promise.all([after, ...sent.map((s) => s.after)]);
  });

  it('a request refused for permission (403) spends no budget: throttles come after permissions, as in DRF', async () => {
    const app = await register();
    const { body: t } = await token(app.client_id, app.client_secret);
    const ip = uniqueIp();
    const limits = { THROTTLE_RATE_LIMIT: '1/minute' };
    const anonymous = await fetchWith('/v1/rate_limit/', { headers: { 'CF-Connecting-IP': ip } }, limits);
    expect(anonymous.status).toBe(403);
    const keyed = await fetchWith(
      '/v1/rate_limit/',
      { headers: { 'CF-Connecting-IP': ip, Authorization: `Bearer ${t.access_token}` } },
      limits,
    );
    expect(keyed.status, await keyed.clone().text()).toBe(200);
    const again = await fetchWith(
      '/v1/rate_limit/',
      { headers: { 'CF-Connecting-IP': ip, Authorization: `Bearer ${t.access_token}` } },
      limits,
    );
    expect(again.status).toBe(429);
  });

  it('tells the remaining budget on every answer', async () => {
    const ip = uniqueIp();
    const res = await fetchWith(
      '/v1/images/?page_size=1',
      { headers: { 'CF-Connecting-IP': ip } },
      { THROTTLE_ANON_BURST: '5/hour', THROTTLE_ANON_SUSTAINED: '100/day' },
    );
    expect(res.headers.get('x-ratelimit-available-anon_burst')).toBe('4');
    expect(res.headers.get('x-ratelimit-available-anon_sustained')).toBe('99');
  });

  it('a verified key draws on its own budget, an allow-listed address on none', async () => {
    const lines: string[] = [];
    vi.spyOn(console, 'warn').mockImplementation((...a: unknown[]) => void lines.push(a.map(String).join(' ')));
    const app = await register();
    vi.restoreAllMocks();
    const link = new URL(JSON.parse(lines.find((l) => l.includes('verification mail'))!).verify_url);
    await getJson(link.pathname, 200);
    const { body: t } = await token(app.client_id, app.client_secret);
    const ip = uniqueIp();
    const limits = { THROTTLE_ANON_BURST: '1/min', THROTTLE_STANDARD_BURST: '3/min' };
    const keyed = { headers: { 'CF-Connecting-IP': ip, Authorization: `Bearer ${t.access_token}` } };
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await fetchWith('/v1/images/?page_size=1', keyed, limits)).status);
    expect(statuses).toEqual([200, 200, 200, 429]);

    const listed = uniqueIp();
    for (let i = 0; i < 3; i++) {
      const res = await fetchWith(
        '/v1/images/?page_size=1',
        { headers: { 'CF-Connecting-IP': listed } },
        { ...limits, THROTTLE_ALLOWLIST: `192.0.2.1, ${listed}` },
      );
      expect(res.status).toBe(200);
    }
  });

  it('an unverified key draws on both budgets, all or nothing', async () => {
    const app = await register();
    const { body: t } = await token(app.client_id, app.client_secret);
    const ip = uniqueIp();
    const limits = { THROTTLE_ANON_BURST: '2/min', THROTTLE_STANDARD_BURST: '1/min' };
    const keyed = { headers: { 'CF-Connecting-IP': ip, Authorization: `Bearer ${t.access_token}` } };
    expect((await fetchWith('/v1/images/?page_size=1', keyed, limits)).status).toBe(200);
    // The key's budget is spent: refused, and the address's count is given back…
    expect((await fetchWith('/v1/images/?page_size=1', keyed, limits)).status).toBe(429);
    // …so the address still has one request left, and then none.
    const anonymous = { headers: { 'CF-Connecting-IP': ip } };
    const first = await fetchWith('/v1/images/?page_size=1', anonymous, limits);
    expect(first.status).toBe(200);
    expect(first.headers.get('x-ratelimit-available-anon_burst')).toBe('0');
    expect((await fetchWith('/v1/images/?page_size=1', anonymous, limits)).status).toBe(429);
  });

  it('limits registrations to 10 a day per address', async () => {
    const ip = uniqueIp();
    const statuses = [];
    for (let i = 0; i < 11; i++) {
      const res = await fetchWith(
        '/v1/auth_tokens/register/',
        json({ name: `r-${crypto.randomUUID()}`, description: 'd', email: 'a@b.co' }, { 'CF-Connecting-IP': ip }),
        { THROTTLE_REGISTER: '10/day' },
      );
      statuses.push(res.status);
    }
    expect(statuses.slice(0, 10).every((s) => s === 201)).toBe(true);
    expect(statuses[10]).toBe(429);
  });

  it('counts only requests that reach an endpoint: no 404s, no trailing-slash redirects', async () => {
    const ip = uniqueIp();
    const limits = { THROTTLE_ANON_BURST: '1/min' };
    const anonymous = { headers: { 'CF-Connecting-IP': ip } };
    for (let i = 0; i < 3; i++) {
      expect((await fetchWith('/v1/nope/', anonymous, limits)).status).toBe(404);
      expect((await fetchWith('/v1/images?q=cat', anonymous, limits)).status).toBe(301);
    }
    expect((await fetchWith('/v1/images/?q=cat', anonymous, limits)).status).toBe(200);
    expect((await fetchWith('/v1/images/?q=cat', anonymous, limits)).status).toBe(429);
  });

  it('does not throttle the docs or the OpenAPI document', async () => {
    const ip = uniqueIp();
    for (let i = 0; i < 3; i++) {
      const res = await fetchWith('/v1/openapi.json', { headers: { 'CF-Connecting-IP': ip } }, { THROTTLE_ANON_BURST: '1/min' });
      expect(res.status).toBe(200);
    }
    expect((await get('/v1/')).status).toBe(200);
  });
});
