import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { fetchWith, getJson } from '../test-helpers.js';
import { Admission, ADMISSION_SIGHTINGS } from './policy.js';
import { KvCacheStore, MemoryCacheStore, type CacheStore } from './store.js';

const SECRET = 'test-ingest-secret-0123456789';

describe.each([
  ['memory', () => new MemoryCacheStore()],
  ['KV', () => new KvCacheStore((env as unknown as { SEARCH_CACHE: KVNamespace }).SEARCH_CACHE)],
] as [string, () => CacheStore][])('%s cache store', (_, make) => {
  it('returns what was stored, and nothing for unknown keys', async () => {
    const store = make();
    const key = `test:${crypto.randomUUID()}`;
    expect(await store.get(key)).toBeNull();
    const value = { body: '{"a":1}', etag: 'abc', storedAt: 1234 };
    await store.put(key, value, 60);
    expect(await store.get(key)).toEqual(value);
  });

  it('refuses TTLs under 60 s like KV does', async () => {
    await expect(make().put(`test:${crypto.randomUUID()}`, { body: '', etag: '', storedAt: 0 }, 30)).rejects.toThrow();
  });
});

describe('memory tier', () => {
  it('stays within its byte budget, evicting the least recently used first', async () => {
    const body = 'x'.repeat(1000);
    const store = new MemoryCacheStore(10_000); // room for four 2-KB-ish entries
    for (const k of ['a', 'b', 'c', 'd']) await store.put(k, { body, etag: 'e', storedAt: 0 }, 60);
    await store.get('a'); // a is now the most recent: b goes first
    await store.put('e', { body, etag: 'e', storedAt: 0 }, 60);
    expect(store.size).toBeLessThanOrEqual(10_000);
    expect(await store.get('b')).toBeNull();
    expect(await store.get('a')).not.toBeNull();
    expect(await store.get('e')).not.toBeNull();
    await store.put('huge', { body: 'y'.repeat(20_000), etag: 'e', storedAt: 0 }, 60);
    expect(await store.get('huge')).toBeNull();
  });
});

describe('admission', () => {
  it('admits a query once it is seen repeatedly, and meters writes', () => {
    const a = new Admission();
    for (let i = 1; i < ADMISSION_SIGHTINGS; i++) expect(a.seen('k', 1000 + i)).toBe(false);
    expect(a.seen('k', 2000)).toBe(true);
    expect(a.mayWrite('k', 3000)).toBe(true);
    expect(a.mayWrite('k', 3500)).toBe(false);
    let allowed = 0;
    for (let i = 0; i < 20; i++) if (a.mayWrite(`x${i}`, 5000)) allowed++;
    expect(allowed).toBe(5);
  });
});

async function search(path: string, overrides: Record<string, unknown> = {}, headers: Record<string, string> = {}) {
  const res = await fetchWith(path, { headers }, overrides);
  return { res, status: res.status, cache: res.headers.get('x-cache'), body: await res.text() };
}

async function bump(mediaType: string) {
  return fetchWith('/internal/cache-generation', {
    method: 'POST',
    headers: { Authorization: `Bearer ${SECRET}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ media_type: mediaType, generation: crypto.randomUUID() }),
  });
}

describe('search cache', () => {
  const unique = () =>
    `/v1/images/?q=mountain&page_size=${2 + Math.floor(Math.random() * 17)}&page=${1 + Math.floor(Math.random() * 3)}&license_type=all`;

  it('serves a popular query from KV, with a strong ETag and 304', async () => {
    const path = unique();
    const first = await search(path);
    const second = await search(path);
    const third = await search(path);
    expect([first.cache, second.cache, third.cache]).toEqual(['MISS', 'MISS', 'HIT']);
    expect(third.body).toBe(first.body);
    expect(third.res.headers.get('cache-control')).toBe('public, max-age=60, stale-while-revalidate=300');
    // A key holder's answer (with `next_cursor`) differs: HTTP caches keep them apart.
    expect(first.res.headers.get('vary')).toMatch(/\bAuthorization\b/);
    expect(third.res.headers.get('vary')).toMatch(/\bAuthorization\b/);
    const tag = third.res.headers.get('etag')!;
    expect(tag).toMatch(/^"[0-9a-f]+"$/);
    const notModified = await fetchWith(path, { headers: { 'If-None-Match': tag } });
    expect(notModified.status).toBe(304);
    // The tag of the first (uncached) answer matches the cached copy too.
    expect(first.res.headers.get('etag')).toBe(tag);
  });

  it('a generation bump makes older entries unreachable', async () => {
    const path = unique();
    await search(path);
    await search(path);
    expect((await search(path)).cache).toBe('HIT');
    expect((await bump('image')).status).toBe(200);
    expect((await search(path)).cache).toBe('MISS');
  });

  it('serves a stale copy when the engine is down, else a 503 within 2 s', async () => {
    const path = unique();
    await search(path);
    const stored = await search(path);
    const down = { CACHE_FRESH_SECONDS: '0', MEILI_URL: 'http://127.0.0.1:9' };
    const stale = await search(path, down);
    expect(stale.status).toBe(200);
    expect(stale.cache).toBe('STALE');
    expect(stale.body).toBe(stored.body);
    const started = Date.now();
    const uncached = await search('/v1/images/?q=never-cached-query-xyz', down);
    expect(uncached.status).toBe(503);
    expect(JSON.parse(uncached.body).detail).toMatch(/search engine/i);
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('never shares answers that depend on a key', async () => {
    const { body: app } = await getJson('/v1/auth_tokens/register/', 201, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ name: `cache-${crypto.randomUUID()}`, description: 'd', email: 'a@b.co' }),
    });
    const { body: t } = await getJson('/v1/auth_tokens/token/', 200, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: app.client_id,
        client_secret: app.client_secret,
      }).toString(),
    });
    const keyed = await search('/v1/images/?q=mountain&page_size=50', {}, { Authorization: `Bearer ${t.access_token}` });
    expect(keyed.status).toBe(200);
    expect(keyed.cache).toBe('BYPASS');
    expect(keyed.res.headers.get('cache-control')).toBe('private, no-store');
  });

  it('the internal bump needs the ingest secret', async () => {
    expect((await fetchWith('/internal/cache-generation', { method: 'POST' })).status).toBe(401);
    const wrong = await fetchWith('/internal/cache-generation', { method: 'POST', headers: { Authorization: 'Bearer nope' } });
    expect(wrong.status).toBe(403);
  });
});
