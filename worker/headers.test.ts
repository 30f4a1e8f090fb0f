/**
 * Header abuse, in workerd: huge and numerous headers, forged forwarding headers,
 * malformed `CF-Connecting-IP`, huge or malformed `Authorization`, and Host games.
 * Invariants: never a 5xx, every refusal is JSON, and no header buys a fresh rate-limit
 * budget. The client is `CF-Connecting-IP` only (worker/auth/caller.ts): Cloudflare sets
 * it and overwrites whatever the client sent; without it (never the case behind
 * Cloudflare) every caller is `unknown` and shares one budget.
 */
import { exports } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { BASE, fetchWith, get, uniqueIp } from './test-helpers.js';

const worker = (exports as unknown as { default: Fetcher }).default;
const KB = 1024;

async function expectNo5xx(res: Response, what: string): Promise<string> {
  const text = await res.text();
  expect(res.status, `${what} → ${res.status}: ${text.slice(0, 300)}`).toBeLessThan(500);
  if (res.status >= 400) expect(res.headers.get('content-type') ?? '', `${what}: a JSON refusal`).toContain('application/json');
  return text;
}

/** Statuses of `n` requests sent in parallel, each with the headers `headersOf(i)`, under `limits`. */
async function statuses(
  n: number,
  path: string,
  headersOf: (i: number) => Record<string, string>,
  limits: Record<string, string>,
): Promise<number[]> {
  const responses = await Promise.all(Array.from({ length: n }, (_, i) => fetchWith(path, { headers: headersOf(i) }, limits)));
  for (const r of responses) await expectNo5xx(r, path);
  return responses.map((r) => r.status);
}
const count = (xs: number[], status: number) => xs.filter((s) => s === status).length;

describe('huge and numerous headers', () => {
  const huge = 'a'.repeat(64 * KB);
  const many = Object.fromEntries(Array.from({ length: 300 }, (_, i) => [`X-Filler-${i}`, 'v'.repeat(200)]));
  const cases: [string, Record<string, string>][] = [
    ['64 KB Cookie', { Cookie: `session=${huge}` }],
    ['64 KB User-Agent', { 'User-Agent': huge }],
    ['64 KB Accept-Language', { 'Accept-Language': huge }],
    ['64 KB If-None-Match', { 'If-None-Match': `"${huge}"` }],
    ['64 KB Origin', { Origin: `https://${'o'.repeat(64 * KB)}.example` }],
    ['300 extra headers', many],
  ];

  it.each(cases)('%s: answered normally on every kind of route', async (_name, headers) => {
    const search = await get('/v1/images/?q=mountain&page_size=2', { headers });
    const body = JSON.parse(await expectNo5xx(search, 'search')) as { results: { id: string }[] };
    expect(search.status).toBe(200);
    const id = body.results[0].id;
    for (const path of [
      `/v1/images/${id}/`,
      `/v1/images/${id}/related/`,
      '/v1/images/stats/',
      '/v1/rate_limit/',
      '/healthcheck/',
      '/v1/nope/',
    ]) {
      await expectNo5xx(await get(path, { headers }), path);
    }
    const report = await get(`/v1/images/${id}/report/`, {
      method: 'POST',
      headers: { ...headers, 'Content-Type': 'application/json' },
      body: JSON.stringify({ reason: 'mature' }),
    });
    await expectNo5xx(report, 'report');
    expect(report.status).toBe(201);
  });
});

describe('forged forwarding headers', () => {
  const FORGED = [
    'X-Forwarded-For',
    'X-Real-IP',
    'True-Client-IP',
    'X-Client-IP',
    'Forwarded',
    'CF-Connecting-IPv6',
    'CF-Pseudo-IPv4',
    'X-Cluster-Client-IP',
  ];
  const forged = (i: number): Record<string, string> => {
    const ip = `198.51.100.${i}`;
    const name = FORGED[i % FORGED.length];
    return { [name]: name === 'Forwarded' ? `for=${ip}` : ip };
  };

  it('do not change the identity when CF-Connecting-IP is present', async () => {
    const ip = uniqueIp();
    const got = await statuses(16, '/v1/images/?q=mountain&page_size=1', (i) => ({ 'CF-Connecting-IP': ip, ...forged(i) }), {
      THROTTLE_ANON_BURST: '4/min',
    });
    expect(count(got, 200)).toBe(4);
    expect(count(got, 429)).toBe(12);
  });

  it('do not create budgets without CF-Connecting-IP either: every such caller shares one', async () => {
    // The shared `unknown` budget is also drawn on by the rest of the suite, so at most 3
    // of these get through, whatever the forged headers say.
    const got = await statuses(16, '/v1/images/?q=mountain&page_size=1', forged, { THROTTLE_ANON_BURST: '3/min' });
    expect(count(got, 200)).toBeLessThanOrEqual(3);
    expect(count(got, 200) + count(got, 429)).toBe(16);
  });
});

describe('malformed CF-Connecting-IP', () => {
  const values = [
    '',
    '   ',
    'not-an-ip',
    '999.999.999.999',
    '1.2.3.4, 5.6.7.8',
    '1.2.3.4:8080',
    '[::1]',
    '::',
    ':::::::::::::::',
    '2001:db8::1::2',
    'fe80::1%eth0',
    '::ffff:192.0.2.1',
    'g'.repeat(8 * KB),
    `${'1:'.repeat(2000)}1`,
    '<script>alert(1)</script>',
    '../../etc/passwd',
    '\u00e9\u00ff\u00a0',
  ];

  it.each(values.map((v) => [v.length > 40 ? `${v.slice(0, 20)}… (${v.length} chars)` : JSON.stringify(v), v]))(
    '%s: served, with rate-limit headers',
    async (_label, value) => {
      const res = await fetchWith(
        '/v1/images/?q=mountain&page_size=1',
        { headers: { 'CF-Connecting-IP': value } },
        { THROTTLE_ANON_BURST: '1000/min' },
      );
      await expectNo5xx(res, 'search');
      expect(res.status).toBe(200);
      expect(res.headers.get('x-ratelimit-limit-anon_burst')).toBe('1000');
    },
  );

  it('spellings of one address share its budget (spaces, IPv6 case and zeros, one /64)', async () => {
    const r = crypto.getRandomValues(new Uint16Array(2));
    const v4 = uniqueIp();
    const v4s = [v4, ` ${v4}`, `${v4} `, `\t${v4}`];
    const p = `2001:db8:${r[0].toString(16)}:${r[1].toString(16)}`;
    const v6s = [`${p}::1`, `${p.toUpperCase()}:0:0:0:2`, `${p.replace('2001:db8', '2001:0DB8')}::ffff`, `${p}:1:2:3:4`];
    for (const spellings of [v4s, v6s]) {
      const got = await statuses(
        12,
        '/v1/images/?q=mountain&page_size=1',
        (i) => ({ 'CF-Connecting-IP': spellings[i % spellings.length] }),
        { THROTTLE_ANON_BURST: '3/min' },
      );
      expect(count(got, 200), spellings.join(' | ')).toBe(3);
      expect(count(got, 429)).toBe(9);
    }
  });
});

describe('huge and malformed Authorization', () => {
  const values = [
    `Bearer ${'A'.repeat(64 * KB)}`,
    'Bearer',
    'Bearer ',
    'Bearer  x',
    'bearer abc',
    'Bearer abc def',
    'Bearer abc\tdef',
    'Bearer ../../etc',
    'Bearer abc, Bearer def',
    'Token abc',
    'Basic',
    'Basic !!!',
    `Basic ${btoa('a'.repeat(48 * KB))}`,
    `Basic ${btoa(`${'x'.repeat(40)}:${'y'.repeat(128)}`)}`,
    'Digest username="a", realm="b"',
    '\u00e9\u00e9\u00e9',
    'A'.repeat(64 * KB),
  ];
  const label = (v: string) => (v.length > 40 ? `${v.slice(0, 20)}… (${v.length} chars)` : JSON.stringify(v));

  it.each(values.map((v) => [label(v), v]))('%s: anonymous on the API, refused with JSON where a key is needed', async (_label, value) => {
    const headers = { Authorization: value };
    const search = await get('/v1/images/?q=mountain&page_size=2', { headers });
    await expectNo5xx(search, 'search');
    expect(search.status).toBe(200);
    const big = await get('/v1/images/?q=mountain&page_size=100', { headers });
    await expectNo5xx(big, 'page_size=100');
    expect(big.status).toBe(401);
    const limit = await get('/v1/rate_limit/', { headers });
    expect(await expectNo5xx(limit, 'rate_limit')).toBe('"Forbidden"');
    const token = await get('/v1/auth_tokens/token/', {
      method: 'POST',
      headers: { ...headers, 'Content-Type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=client_credentials',
    });
    await expectNo5xx(token, 'token');
    expect([400, 401]).toContain(token.status);
    const internal = await get('/internal/cache-generation', {
      method: 'POST',
      headers: { ...headers, 'Content-Type': 'application/json' },
      body: JSON.stringify({ media_type: 'image', generation: 'forged' }),
    });
    await expectNo5xx(internal, 'internal');
    expect([401, 403]).toContain(internal.status);
  });

  it('a bogus bearer token does not escape the anonymous budget', async () => {
    const ip = uniqueIp();
    const got = await statuses(
      10,
      '/v1/images/?q=mountain&page_size=1',
      (i) => ({ 'CF-Connecting-IP': ip, Authorization: `Bearer ${'x'.repeat(i + 1)}` }),
      { THROTTLE_ANON_BURST: '2/min' },
    );
    expect(count(got, 200)).toBe(2);
    expect(count(got, 429)).toBe(8);
  });
});

describe('Host games', () => {
  const at = (origin: string, path: string, headers: Record<string, string> = {}) =>
    worker.fetch(new Request(`${origin}${path}`, { headers, redirect: 'manual' }));

  it('links follow the request origin, and cached answers never cross origins', async () => {
    // Parameters that change nothing for an anonymous caller: a key no other test uses.
    const path = '/v1/images/?q=mountain&page_size=3&qa=true&filter_dead=false&unstable__sort_dir=asc&unstable__sort_by=indexed_on';
    // Popular under a foreign Host: seen repeatedly, so cached for that origin.
    const cache: (string | null)[] = [];
    for (let i = 0; i < 5; i++) {
      const res = await at('http://evil.example', path);
      const text = await expectNo5xx(res, 'foreign host');
      expect(res.status).toBe(200);
      expect(text).toContain('http://evil.example/v1/images/');
      expect(text).not.toContain('edgeverse.test');
      cache.push(res.headers.get('x-cache'));
      await new Promise((r) => setTimeout(r, 400));
    }
    expect(cache, 'the foreign-origin answer was cached').toContain('HIT');
    for (let i = 0; i < 2; i++) {
      const ours = await at(BASE, path);
      const text = await expectNo5xx(ours, 'our host');
      expect(ours.status).toBe(200);
      expect(text).not.toContain('evil.example');
      expect(text).toContain(`${BASE}/v1/images/`);
    }
  });

  it('forwarding-host headers are ignored; odd hosts and ports are served or refused with JSON', async () => {
    const forwarded = await get('/v1/images/?q=mountain&page_size=2', {
      headers: {
        'X-Forwarded-Host': 'evil.example',
        'X-Forwarded-Proto': 'https',
        'X-Original-URL': '/internal/cache-generation',
        'X-Rewrite-URL': '/internal/cache-generation',
        Forwarded: 'host=evil.example;proto=https',
      },
    });
    const text = await expectNo5xx(forwarded, 'forwarded');
    expect(forwarded.status).toBe(200);
    expect(text).not.toContain('evil.example');
    expect(text).not.toContain('https://edgeverse.test');
    for (const origin of [
      'http://127.0.0.1:1',
      'http://[::1]:8787',
      `http://${'h'.repeat(60)}.${'x'.repeat(60)}.example`,
      'http://xn--bcher-kva.example',
      'https://edgeverse.test:65535',
    ]) {
      await expectNo5xx(await at(origin, '/v1/images/?q=mountain&page_size=1'), origin);
      await expectNo5xx(await at(origin, '/internal/cache-generation'), `${origin} internal`);
    }
  });
});
