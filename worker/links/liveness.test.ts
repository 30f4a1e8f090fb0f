import { describe, expect, it } from 'vitest';
import { eachLimited, fetchable, headStatus } from './head.js';
import { dueForRecheck, isLive, NO_ANSWER, statusTtlSeconds, UNCONFIRMED } from './liveness.js';

const DAY = 86_400;

describe('liveness rules (§4.5)', () => {
  it('counts 200, 403 and 429 as live, everything else as dead', () => {
    for (const status of [200, 403, 429]) expect(isLive(status), String(status)).toBe(true);
    // A search's failed connection is no verdict: kept until the background checker decides.
    expect(isLive(UNCONFIRMED)).toBe(true);
    for (const status of [NO_ANSWER, 201, 204, 206, 301, 302, 304, 307, 308, 400, 401, 404, 410, 451, 500, 502, 503, 504]) {
      expect(isLive(status), String(status)).toBe(false);
    }
  });

  it('caches 200 for 30 days, no answer for 30 minutes, any other status for 120 days', () => {
    expect(statusTtlSeconds(200)).toBe(30 * DAY);
    expect(statusTtlSeconds(NO_ANSWER)).toBe(30 * 60);
    expect(statusTtlSeconds(UNCONFIRMED)).toBe(30 * 60);
    for (const status of [403, 429, 301, 404, 500]) expect(statusTtlSeconds(status)).toBe(120 * DAY);
  });

  it('re-checks in the background what expires soon, relative to its TTL', () => {
    const now = 1_000_000;
    expect(dueForRecheck(200, now + DAY, now)).toBe(false);
    expect(dueForRecheck(200, now + 3600, now)).toBe(true);
    expect(dueForRecheck(NO_ANSWER, now + 20 * 60, now)).toBe(false);
    expect(dueForRecheck(NO_ANSWER, now + 10 * 60, now)).toBe(true);
    expect(dueForRecheck(404, now - 1, now)).toBe(true);
    expect(dueForRecheck(UNCONFIRMED, now + 29 * 60, now)).toBe(true);
  });
});

describe('link check units', () => {
  it('refuses private, loopback and non-http URLs unless private ones are allowed', () => {
    for (const url of [
      'http://127.0.0.1/a.jpg',
      'http://10.0.0.1/a.jpg',
      'http://169.254.169.254/latest/meta-data',
      'http://[::1]/a',
      'http://localhost/a',
      'http://2130706433/a',
    ]) {
      expect(fetchable(url, false), url).toBe(false);
    }
    expect(fetchable('http://127.0.0.1/a.jpg', true)).toBe(true);
    for (const url of ['ftp://example.org/a.jpg', 'file:///etc/passwd', 'http://user:pw@example.org/a', '', 'not a url']) {
      expect(fetchable(url, true), url).toBe(false);
    }
    expect(fetchable('https://live.staticflickr.com/1/2.jpg', false)).toBe(true);
  });

  it('reports a status, a failed connection, or a timeout, and never throws', async () => {
    const seen: RequestInit[] = [];
    const answer = (async (_url: string, init: RequestInit) => {
      seen.push(init);
      return new Response(null, { status: 301, headers: { Location: '/elsewhere' } });
    }) as unknown as typeof fetch;
    expect(await headStatus('https://example.org/a.jpg', AbortSignal.timeout(1000), answer)).toEqual({ status: 301 });
    expect(seen[0]).toMatchObject({ method: 'HEAD', redirect: 'manual' });
    const refuse = (async () => {
      throw new TypeError('connection refused');
    }) as unknown as typeof fetch;
    expect(await headStatus('https://example.org/a.jpg', AbortSignal.timeout(1000), refuse)).toEqual({ failure: 'network' });
    const hang = ((_url: string, init: RequestInit) =>
      new Promise((_, reject) => init.signal!.addEventListener('abort', () => reject(init.signal!.reason)))) as unknown as typeof fetch;
    expect(await headStatus('https://example.org/a.jpg', AbortSignal.timeout(20), hang)).toEqual({ failure: 'timeout' });
  });

  it('keeps at most `limit` tasks in flight and starts none after the signal aborts', async () => {
    let inFlight = 0;
    let peak = 0;
    const done: number[] = [];
    await eachLimited([1, 2, 3, 4, 5, 6, 7], 3, async (n) => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      await new Promise((r) => setTimeout(r, 5));
      inFlight--;
      done.push(n);
    });
    expect(peak).toBe(3);
    expect(done.sort()).toEqual([1, 2, 3, 4, 5, 6, 7]);

    const stop = new AbortController();
    const started: number[] = [];
    await eachLimited(
      [1, 2, 3, 4, 5],
      2,
      async (n) => {
        started.push(n);
        if (n === 2) stop.abort();
      },
      stop.signal,
    );
    expect(started).toEqual([1, 2]);
  });
});
