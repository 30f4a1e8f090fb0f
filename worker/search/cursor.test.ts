/**
 * Cursor paging (issue #18) in workerd over the fixture catalog on the real engine: a
 * walk of a browse gives every matching work exactly once (on one node and on the
 * three-shard network), a text search walks to the end of its ranking, and bad cursors
 * are refused (400 naming `cursor`, 401 without a key, 410 after the catalog changed).
 */
import { sql } from 'drizzle-orm';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { fetchWith, keyHeader, shardedEngineVars, withDb } from '../test-helpers.js';

const SECRET = 'test-ingest-secret-0123456789';
// Walks make hundreds of requests with one key: its budget is lifted here.
const UNCACHED = { CACHE_FRESH_SECONDS: '0', THROTTLE_STANDARD_BURST: '100000/min', THROTTLE_STANDARD_SUSTAINED: '1000000/day' };

interface Page {
  result_count: number;
  page_count: number;
  page: number;
  results: { id: string }[];
  next_cursor?: string;
  detail?: unknown;
}

let key: { Authorization: string };

async function call(path: string, overrides: Record<string, unknown> = UNCACHED, headers: Record<string, string> = key) {
  const res = await fetchWith(path, { headers }, overrides);
  const text = await res.text();
  return { status: res.status, body: JSON.parse(text) as Page, text };
}

/** Every page of a search, following `next_cursor` from the first page; the ids in order. */
async function walk(path: string, overrides: Record<string, unknown> = UNCACHED): Promise<{ ids: string[]; pages: Page[] }> {
  const ids: string[] = [];
  const pages: Page[] = [];
  let url = path;
  for (let i = 0; i < 1000; i++) {
    const { status, body, text } = await call(url, overrides);
    expect(status, `${url}: ${text.slice(0, 300)}`).toBe(200);
    pages.push(body);
    ids.push(...body.results.map((r) => r.id));
    if (!body.next_cursor) return { ids, pages };
    url = `${path}&cursor=${encodeURIComponent(body.next_cursor)}`;
  }
  throw new Error('the walk did not end');
}

async function bump(mediaType: 'image' | 'audio') {
  const res = await fetchWith('/internal/cache-generation', {
    method: 'POST',
    headers: { Authorization: `Bearer ${SECRET}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ media_type: mediaType, generation: `refresh.${crypto.randomUUID()}` }),
  });
  expect(res.status).toBe(200);
}

/** The most common licence of the images, and the ids of every image under it (Postgres: the truth). */
async function licenceAndIds(): Promise<{ license: string; ids: string[] }> {
  return withDb(async (db) => {
    const top = await db.execute<{ license: string }>(
      sql`select lower(license) as license from image group by 1 order by count(*) desc limit 1`,
    );
    const license = top.rows[0].license;
    const rows = await db.execute<{ id: string }>(sql`select identifier::text as id from image where lower(license) = ${license}`);
    return { license, ids: rows.rows.map((r) => r.id) };
  });
}

beforeAll(async () => {
  key = await keyHeader();
});

describe('cursor paging of a browse', () => {
  it('walks past page 20 through every matching work exactly once, in popularity then id order', async () => {
    const { license, ids: expected } = await licenceAndIds();
    // Small pages, so the walk goes well past the 20-page limit.
    const pageSize = Math.max(1, Math.floor(expected.length / 30));
    expect(expected.length / pageSize).toBeGreaterThan(21);
    const { ids, pages } = await walk(`/v1/images/?license=${license}&mature=true&filter_dead=false&page_size=${pageSize}`);
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual([...expected].sort());
    expect(pages.length).toBeGreaterThan(20);
    // The walk's page numbers run on past 20.
    expect(pages.map((p) => p.page)).toEqual(pages.map((_, i) => i + 1));
  });

  it('facets on every page count the whole result set, not what is left of the walk', async () => {
    const { license } = await licenceAndIds();
    const { pages } = await walk(`/v1/images/?license=${license}&mature=true&filter_dead=false&page_size=20&facets=source,category`);
    expect(pages.length).toBeGreaterThan(2);
    const first = (pages[0] as Page & { facets: unknown }).facets;
    expect(Object.keys(first as object)).toEqual(['source', 'category']);
    for (const page of pages) expect((page as Page & { facets: unknown }).facets).toEqual(first);
  });

  it('on a three-shard network gives the same works exactly once', async () => {
    const NETWORK = { ...UNCACHED, ...shardedEngineVars() };
    const res = await fetchWith(
      '/internal/cache-generation',
      {
        method: 'POST',
        headers: { Authorization: `Bearer ${SECRET}`, 'Content-Type': 'application/json' },
        body: JSON.stringify({ media_type: 'image', generation: `net.${crypto.randomUUID()}`, live: inject('network').live.image }),
      },
      NETWORK,
    );
    expect(res.status).toBe(200);
    const path = '/v1/images/?mature=true&filter_dead=false&page_size=37';
    const one = await walk(path);
    const net = await walk(path, NETWORK);
    expect(new Set(net.ids).size).toBe(net.ids.length);
    expect(net.ids.length).toBeGreaterThan(20 * 37);
    // Same documents, same total order (popularity then id) on both.
    expect(net.ids).toEqual(one.ids);
  });

  it('follows unstable__sort_by=indexed_on in both directions', async () => {
    for (const dir of ['asc', 'desc']) {
      const { ids } = await walk(
        `/v1/audio/?unstable__sort_by=indexed_on&unstable__sort_dir=${dir}&mature=true&filter_dead=false&page_size=9`,
      );
      const count = await withDb(async (db) => (await db.execute<{ n: string }>(sql`select count(*)::text as n from audio`)).rows[0].n);
      expect(new Set(ids).size).toBe(ids.length);
      expect(ids.length).toBe(Number(count));
    }
  });
});

describe('cursor paging of a text search', () => {
  it('continues the ranking page by page to its end, past page 20', async () => {
    const first = await call('/v1/images/?q=the&page_size=1&filter_dead=false&mature=true');
    const total = first.body.result_count;
    expect(total).toBeGreaterThan(20);
    const { ids, pages } = await walk('/v1/images/?q=the&page_size=1&filter_dead=false&mature=true');
    expect(ids.length).toBe(Math.min(total, 10_000));
    expect(new Set(ids).size).toBe(ids.length);
    expect(pages.at(-1)!.next_cursor).toBeUndefined();
    // The first 20 pages are the plain pages.
    const plain = await call('/v1/images/?q=the&page_size=1&filter_dead=false&mature=true&page=20');
    expect(ids[19]).toBe(plain.body.results[0].id);
  });
});

describe('bad cursors', () => {
  const path = '/v1/images/?license=by&page_size=5&filter_dead=false';

  it('anonymous callers get no cursor, and sending one is a 401', async () => {
    const anon = await call(path, UNCACHED, {});
    expect(anon.status).toBe(200);
    expect(anon.body.next_cursor).toBeUndefined();
    const keyed = await call(path);
    expect(keyed.body.next_cursor).toBeTruthy();
    const refused = await call(`${path}&cursor=${encodeURIComponent(keyed.body.next_cursor!)}`, UNCACHED, {});
    expect(refused.status, refused.text).toBe(401);
  });

  it('malformed, forged and foreign cursors, and another query, are 400s naming cursor', async () => {
    const { body } = await call(path);
    const cursor = body.next_cursor!;
    const [payload, mac] = cursor.split('.');
    const forgedPayload = btoa(atob(payload.replace(/-/g, '+').replace(/_/g, '/')).replace('"n":2', '"n":3'))
      .replace(/\+/g, '-')
      .replace(/\//g, '_')
      .replace(/=+$/, '');
    const audio = (await call('/v1/audio/?page_size=5&filter_dead=false')).body.next_cursor!;
    for (const [what, url] of [
      ['malformed', `${path}&cursor=not-a-cursor`],
      ['forged signature', `${path}&cursor=${payload}.${mac.slice(0, -2)}AA`],
      ['forged payload', `${path}&cursor=${forgedPayload}.${mac}`],
      ['other media type', `/v1/audio/?license=by&page_size=5&filter_dead=false&cursor=${cursor}`],
      ['audio cursor on images', `${path}&cursor=${audio}`],
      ['another query', `/v1/images/?license=cc0&page_size=5&filter_dead=false&cursor=${cursor}`],
      ['another page size', `/v1/images/?license=by&page_size=6&filter_dead=false&cursor=${cursor}`],
    ]) {
      const r = await call(url);
      expect(r.status, `${what}: ${r.text}`).toBe(400);
      expect(Object.keys(r.body.detail as object), what).toEqual(['cursor']);
    }
    // The same query with another `page` is the same query.
    expect((await call(`${path}&page=3&cursor=${cursor}`)).status).toBe(200);
  });

  it('a cursor from before the catalog changed is a 410 saying to start again', async () => {
    const { body } = await call(path);
    expect((await call(`${path}&cursor=${body.next_cursor}`)).status).toBe(200);
    await bump('image');
    const gone = await call(`${path}&cursor=${body.next_cursor}`);
    expect(gone.status, gone.text).toBe(410);
    expect(String(gone.body.detail)).toMatch(/start again/);
    // A fresh walk works at once.
    const fresh = (await call(path)).body.next_cursor!;
    expect((await call(`${path}&cursor=${fresh}`)).status).toBe(200);
  });
});
