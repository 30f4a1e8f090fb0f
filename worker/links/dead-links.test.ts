/**
 * Dead-link filtering end to end: the Worker in workerd, a real Meilisearch index of
 * works whose media URLs point at the local media server's `/status/<code>/` routes,
 * the `/slow/` route, a port that never answers and a closed port. Each test has its
 * own query word, and the media server counts the requests made for it.
 */
import { createExecutionContext, createScheduledController, waitOnExecutionContext } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { MeiliAdmin } from '../../ingest/meili-admin.js';
import { indexSettings } from '../../model/search-index.js';
import { randomString } from '../auth/secrets.js';
import worker from '../index.js';
import { LINK_CHECK_CRON } from '../scheduled.js';
import { fetchWith, keyHeader } from '../test-helpers.js';
import { NO_ANSWER, statusTtlSeconds, UNCONFIRMED } from './liveness.js';
import { STATUS_KEY_PREFIX, statusKey } from './status-store.js';

const MEILI = inject('meiliUrl');
const MASTER = inject('meiliMasterKey');
const MEDIA = inject('mediaUrl');
const SILENT = inject('silentUrl');
const PREFIX = `${inject('indexPrefix')}links${randomString(6, 'abcdefghijklmnopqrstuvwxyz')}_`;
const INDEX = `${PREFIX}images`;
const KV = (env as unknown as { SEARCH_CACHE: KVNamespace }).SEARCH_CACHE;
// A generous budget where a test needs every local check decided on a loaded machine.
const SETTLED = { INDEX_PREFIX: PREFIX, LINK_CHECK_BUDGET_MS: '8000' };

// The ingest's Meilisearch wrapper (it runs in workerd too): the test's own index.
const meili = new MeiliAdmin(MEILI, MASTER);

/** A letters-only word: one token for the engine, and a unique path part for the media server. */
const newWord = () => `lk${randomString(10, 'abcdefghijklmnopqrstuvwxyz')}`;

interface Work {
  id: string;
  url: string;
}

let template: Record<string, unknown>;

/** Adds works titled `word` whose URLs are `urls`, ranked in that order (by popularity), to `index`. */
async function addWorks(word: string, urls: string[], index = INDEX): Promise<Work[]> {
  const works = urls.map((url, i) => {
    const id = crypto.randomUUID();
    return {
      ...template,
      id,
      identifier: id,
      title: word,
      description: null,
      tags: [],
      tag_names: [],
      url,
      mature: false,
      sensitive_text: false,
      popularity: 100 - i * 0.25,
      standardized_popularity: (100 - i * 0.25) / 100,
    };
  });
  await meili.waitTask(await meili.addDocuments(index, works.map((w) => JSON.stringify(w)).join('\n')));
  return works.map((w) => ({ id: w.id, url: w.url }));
}

const status = (word: string, code: number, i: number) => `${MEDIA}/status/${code}/${word}/${i}.jpg`;

/** Requests (and HEAD requests) the media server saw for paths containing `text`. */
async function served(text: string): Promise<{ requests: number; head: number }> {
  const res = await fetch(`${MEDIA}/_requests?contains=${encodeURIComponent(text)}`);
  return (await res.json()) as { requests: number; head: number };
}

async function search(path: string, overrides: Record<string, unknown> = SETTLED) {
  const res = await fetchWith(path, {}, overrides);
  const text = await res.text();
  expect(res.status, `${path} → ${res.status}: ${text.slice(0, 500)}`).toBe(200);
  return { res, body: JSON.parse(text) };
}

const urlsOf = (body: { results: { url: string }[] }) => body.results.map((r) => r.url);

beforeAll(async () => {
  const found = await meili.search(`${inject('indexPrefix')}images`, {
    q: '',
    limit: 1,
    filter: 'mature = false AND sensitive_text = false',
  });
  template = found.hits[0];
  await meili.createIndex(INDEX, indexSettings('image'));
});

afterAll(async () => {
  await meili.deleteIndex(INDEX);
});

describe('filter_dead', () => {
  it('drops dead results and back-fills pages 1-3 to page_size without repeating an id', async () => {
    const word = newWord();
    // Every third work is dead.
    const works = await addWorks(
      word,
      Array.from({ length: 30 }, (_, i) => status(word, i % 3 === 2 ? 404 : 200, i)),
    );
    const live = works.filter((_, i) => i % 3 !== 2);

    const pages = [];
    const heads = [];
    for (const page of [1, 2, 3]) {
      const { body } = await search(`/v1/images/?q=${word}&page_size=5&page=${page}`);
      pages.push(body);
      heads.push((await served(word)).head);
    }
    const ids = pages.flatMap((p) => p.results.map((r: { id: string }) => r.id));
    expect(pages.map((p) => p.results.length)).toEqual([5, 5, 5]);
    expect(new Set(ids).size).toBe(15);
    expect(ids).toEqual(live.slice(0, 15).map((w) => w.id));
    // result_count is the engine's total, not reduced by dead links (§3.3).
    expect(pages.map((p) => [p.result_count, p.page_count])).toEqual([
      [30, 6],
      [30, 6],
      [30, 6],
    ]);
    // One round per request over the window the page needs (2 × page × page_size),
    // each URL checked once: later pages only check what earlier ones had not.
    expect(heads).toEqual([10, 20, 30]);

    const { body: unfiltered } = await search(`/v1/images/?q=${word}&page_size=5&filter_dead=false`);
    expect(urlsOf(unfiltered)).toEqual(works.slice(0, 5).map((w) => w.url));

    // The same searches again are computed (not a cached answer) and send no HEAD request.
    for (const page of [1, 2, 3]) {
      const { res, body } = await search(`/v1/images/?q=${word}&page_size=5&page=${page}`);
      expect(res.headers.get('x-cache')).toBe('MISS');
      expect(body.results.map((r: { id: string }) => r.id)).toEqual(ids.slice((page - 1) * 5, page * 5));
    }
    expect((await served(word)).head).toBe(30);
  });

  it('applies the reference rules: 200, 403, 429 live; redirects (not followed), 404, 410, 5xx dead', async () => {
    const word = newWord();
    const codes = [200, 403, 429, 301, 302, 404, 410, 500, 503];
    await addWorks(
      word,
      codes.map((code, i) => status(word, code, i)),
    );
    const { body } = await search(`/v1/images/?q=${word}`);
    expect(urlsOf(body)).toEqual([200, 403, 429].map((code, i) => status(word, code, i)));
    expect((await served(word)).head).toBe(codes.length);
    expect((await served(`redirected/${word}`)).requests).toBe(0);

    // Statuses are recorded under a digest of the URL, with the TTL of their class.
    const listed = new Map<string, number | undefined>();
    let cursor: string | undefined;
    do {
      const page = await KV.list({ prefix: STATUS_KEY_PREFIX, cursor });
      for (const key of page.keys) listed.set(key.name, key.expiration);
      cursor = page.list_complete ? undefined : page.cursor;
    } while (cursor);
    const now = Date.now() / 1000;
    for (const [i, code] of codes.entries()) {
      const key = await statusKey(status(word, code, i));
      expect(key).toMatch(/^link-status:[0-9a-f]{64}$/);
      expect(JSON.parse((await KV.get(key))!).status).toBe(code);
      const ttl = listed.get(key)! - now;
      expect(ttl, `TTL of ${code}`).toBeGreaterThan(statusTtlSeconds(code) - 120);
      expect(ttl, `TTL of ${code}`).toBeLessThanOrEqual(statusTtlSeconds(code) + 1);
    }
    expect(statusTtlSeconds(200)).toBe(30 * 86_400);
    expect(statusTtlSeconds(404)).toBe(120 * 86_400);
  });

  it('keeps slow, silent and unreachable hosts within the time budget, and records no verdict for them', async () => {
    const word = newWord();
    const urls = [
      status(word, 200, 0),
      `${MEDIA}/slow/${word}/1.jpg`,
      `${SILENT}/${word}/2.jpg`,
      `http://127.0.0.1:1/${word}/3.jpg`,
      status(word, 404, 4),
    ];
    await addWorks(word, urls);
    // The 404 needs an answer within the budget: give the loaded machine a second.
    const { body } = await search(`/v1/images/?q=${word}`, { INDEX_PREFIX: PREFIX, LINK_CHECK_BUDGET_MS: '1000' });
    expect(urlsOf(body)).toEqual(urls.slice(0, 4));
    // No answer within the budget: nothing recorded, so the next search asks again.
    for (const url of urls.slice(1, 3)) expect(await KV.get(await statusKey(url)), url).toBeNull();
    // A failed connection is recorded as unconfirmed (live) for 30 minutes, not as dead.
    const unreachable = JSON.parse((await KV.get(await statusKey(urls[3])))!);
    expect(unreachable.status).toBe(UNCONFIRMED);
    expect(unreachable.expires - Date.now() / 1000).toBeLessThanOrEqual(statusTtlSeconds(UNCONFIRMED) + 1);
    expect(JSON.parse((await KV.get(await statusKey(urls[4])))!).status).toBe(404);
  });

  it('never requests a private or loopback address unless the configuration allows it', async () => {
    const word = newWord();
    const urls = [
      status(word, 200, 0),
      status(word, 404, 1),
      `http://169.254.169.254/latest/meta-data/${word}`,
      `http://10.1.2.3/${word}.jpg`,
    ];
    await addWorks(word, urls);
    const strict = { ...SETTLED, ALLOW_PRIVATE_MEDIA: 'false' };
    const { body } = await search(`/v1/images/?q=${word}`, strict);
    // No visitor could load these either: dropped, without a request.
    expect(body).toEqual({ result_count: 0, page_count: 0, page_size: 20, page: 1, results: [] });
    expect(await served(word)).toEqual({ requests: 0, head: 0 });
    const { body: unfiltered } = await search(`/v1/images/?q=${word}&filter_dead=false`, strict);
    expect(urlsOf(unfiltered)).toEqual(urls);
  });

  it('counts results as live when KV fails, and still answers 200', async () => {
    const word = newWord();
    const urls = [status(word, 200, 0), status(word, 404, 1)];
    await addWorks(word, urls);
    const down = () => Promise.reject(new Error('KV is down'));
    const broken = { get: down, getWithMetadata: down, put: down, list: down, delete: down };
    const { body } = await search(`/v1/images/?q=${word}`, { ...SETTLED, SEARCH_CACHE: broken });
    expect(urlsOf(body)).toEqual(urls);
    expect((await served(word)).head).toBe(0);
  });

  // `/v1/search/` (both media in one ranking) cuts its pages from live hits the same way.
  it.each(['/v1/images/', '/v1/search/'])('%s drops the demo catalog’s dead link, which filter_dead=false keeps', async (route) => {
    const dead = inject('fixture').deadImageId!;
    expect(dead).toBeTruthy();
    const detail = await fetchWith(`/v1/images/${dead}/`);
    const { title } = (await detail.json()) as { title: string };
    const q = encodeURIComponent(title);
    const budget = { LINK_CHECK_BUDGET_MS: '8000' };
    const pages = async (filterDead: boolean) => {
      const ids: string[] = [];
      for (const page of [1, 2, 3]) {
        const { body } = await search(`${route}?q=${q}&page=${page}&filter_dead=${filterDead}`, budget);
        ids.push(...body.results.map((r: { id: string }) => r.id));
      }
      return ids;
    };
    expect(await pages(false)).toContain(dead);
    expect(await pages(true)).not.toContain(dead);
  });
});

describe('background link checker', () => {
  /** Runs the link checker's cron the way the runtime would. */
  async function cron(overrides: Record<string, unknown> = {}) {
    const ctx = createExecutionContext();
    const controller = createScheduledController({ scheduledTime: new Date(), cron: LINK_CHECK_CRON });
    await worker.scheduled(controller, { ...env, ...overrides }, ctx);
    await waitOnExecutionContext(ctx);
  }

  it('pre-warms the statuses of a popular search, so the warm search sends no HEAD request', async () => {
    const word = newWord();
    const urls = Array.from({ length: 12 }, (_, i) => status(word, i % 4 === 3 ? 404 : 200, i));
    urls[1] = `http://127.0.0.1:1/${word}/1.jpg`; // a closed port
    const works = await addWorks(word, urls);
    // No checks on the request path at all: only the background checker sends HEADs.
    const noChecks = { ...SETTLED, LINK_CHECK_MAX_PER_REQUEST: '0' };
    const path = `/v1/images/?q=${word}&page_size=5`;
    const { body: cold } = await search(path, noChecks);
    expect(urlsOf(cold)).toEqual(works.slice(0, 5).map((w) => w.url));
    await search(path, noChecks); // seen twice: popular, its window goes on the watch list
    expect((await served(word)).head).toBe(0);

    await cron();
    expect((await served(word)).head).toBe(9); // the window (2 × page_size) but the closed port
    // The checker has time to wait: a host that cannot be reached is recorded as no answer.
    expect(JSON.parse((await KV.get(await statusKey(urls[1])))!).status).toBe(NO_ANSWER);
    // Recomputed (a fresh cached answer would prove nothing): dead links gone, no HEAD.
    const { body: warm } = await search(path, { ...noChecks, CACHE_FRESH_SECONDS: '0' });
    expect(urlsOf(warm)).toEqual([0, 2, 4, 5, 6].map((i) => works[i].url));
    expect((await served(word)).head).toBe(9);

    await cron();
    expect((await served(word)).head).toBe(9); // nothing due: statuses fresh
  });

  it('stays within its HEAD budget per run', async () => {
    const word = newWord();
    await addWorks(
      word,
      Array.from({ length: 10 }, (_, i) => status(word, 200, i)),
    );
    const noChecks = { ...SETTLED, LINK_CHECK_MAX_PER_REQUEST: '0' };
    for (let i = 0; i < 2; i++) await search(`/v1/images/?q=${word}`, noChecks);
    await cron({ LINK_PREWARM_MAX_CHECKS: '3' });
    expect((await served(word)).head).toBe(3);
    await cron({ LINK_PREWARM_MAX_CHECKS: '100' });
    expect((await served(word)).head).toBe(10);
  });
});

describe('filter_dead on a cursor walk (issue #18)', () => {
  // An index of its own: a browse (no query, no filter) walks exactly these works.
  const prefix = `${PREFIX}walk_`;
  const index = `${prefix}images`;
  const walked = { ...SETTLED, INDEX_PREFIX: prefix, CACHE_FRESH_SECONDS: '0', THROTTLE_STANDARD_BURST: '100000/min' };

  beforeAll(async () => {
    await meili.createIndex(index, indexSettings('image'));
  });
  afterAll(async () => {
    await meili.deleteIndex(index);
  });

  it('a page left empty by a run of dead works longer than its back-fill still hands on a cursor', async () => {
    const word = newWord();
    // 30 works by popularity: 4 live, 16 dead, 10 live. A page of 2 reads at most 13
    // positions (a window of 4, widened three times by half): the run fills it.
    const works = await addWorks(
      word,
      Array.from({ length: 30 }, (_, i) => status(word, i >= 4 && i < 20 ? 404 : 200, i)),
      index,
    );
    const live = works.filter((_, i) => i < 4 || i >= 20).map((w) => w.id);
    const headers = await keyHeader();
    // Every status recorded first (back-fills read recorded statuses only).
    await search('/v1/images/?page_size=20', walked);
    expect((await served(word)).head).toBe(30);

    const ids: string[] = [];
    let url = '/v1/images/?page_size=2';
    for (let i = 0; i < 30; i++) {
      const res = await fetchWith(url, { headers }, walked);
      const body = (await res.json()) as { results: { id: string }[]; next_cursor?: string };
      expect(res.status).toBe(200);
      ids.push(...body.results.map((r) => r.id));
      if (!body.next_cursor) break;
      url = `/v1/images/?page_size=2&cursor=${encodeURIComponent(body.next_cursor)}`;
    }
    expect(ids).toEqual(live);
  });
});
