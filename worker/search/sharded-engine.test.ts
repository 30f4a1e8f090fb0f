/**
 * Sharded search: the Worker over a three-node Meilisearch network holding the fixture's
 * documents (test/sharded-copy.ts) answers what it answers over the one node holding
 * them all: the same ids in the same order, the same counts and pages, for searches,
 * filters, field searches, collections, related works and stats. Then the failures: a
 * shard's index gone (partial answers, marked and never cached), most shards gone (503),
 * the first coordinator unreachable (the next one answers).
 */
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { fetchWith, shardedEngineVars } from '../test-helpers.js';
import { AUDIO_FACETS, IMAGE_FACETS } from './facets.js';

const SECRET = 'test-ingest-secret-0123456789';
/** Collections without `q` list newest first (`indexed_on_ts:desc`). */
const SORTED_BY_DATE = /\/(?:tag|source)\/[^?]*$/;
const network = inject('network');
// No cached copy may answer for either side: every answer here is computed.
const UNCACHED = { CACHE_FRESH_SECONDS: '0' };
const NETWORK = { ...UNCACHED, ...shardedEngineVars() };

interface Envelope {
  result_count: number;
  page_count: number;
  page_size: number;
  page: number;
  results: {
    id: string;
    indexed_on: string;
    title: string | null;
    tags?: { name: string }[] | null;
    source: string;
    creator: string | null;
    media_type?: string;
  }[];
  facets?: Record<string, Record<string, number>>;
  suggestion?: string;
}

async function json<T>(path: string, overrides: Record<string, unknown>): Promise<{ status: number; body: T; res: Response }> {
  const res = await fetchWith(path, {}, overrides);
  const text = await res.text();
  return { status: res.status, res, body: (text ? JSON.parse(text) : null) as T };
}

/** The network's copy of the switch: what the ingest posts after a promotion. */
async function publishPointer(mediaType: 'image' | 'audio', live: { index: string; shards: string[][] | null }) {
  const res = await fetchWith(
    '/internal/cache-generation',
    {
      method: 'POST',
      headers: { Authorization: `Bearer ${SECRET}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ media_type: mediaType, generation: `net.${Date.now()}`, live }),
    },
    NETWORK,
  );
  expect(res.status, await res.clone().text()).toBe(200);
}

/** Compares one path on both sides; returns a description of the first difference, or null. */
async function difference(path: string): Promise<string | null> {
  const [one, net] = await Promise.all([json<Envelope>(path, UNCACHED), json<Envelope>(path, NETWORK)]);
  if (one.status !== net.status) return `${path}: status ${one.status} on one node, ${net.status} on the network`;
  if (one.status !== 200) return null;
  expect(net.res.headers.get('x-search-missing-shards'), path).toBeNull();
  if ('results' in one.body) {
    let a = one.body.results.map((r) => r.id);
    let b = net.body.results.map((r) => r.id);
    if (SORTED_BY_DATE.test(path)) {
      // Works indexed at the same instant have no order of their own: one node keeps its
      // insertion order, a network its shard order. The dates must run the same, and each
      // run of equal dates hold the same works.
      const runs = (r: Envelope['results']) => r.map((x) => `${x.indexed_on} ${x.id}`).sort((p, q) => (p < q ? 1 : p > q ? -1 : 0));
      if (one.body.results.map((r) => r.indexed_on).join() !== net.body.results.map((r) => r.indexed_on).join())
        return `${path}: dates differ`;
      a = runs(one.body.results);
      b = runs(net.body.results);
    }
    if (JSON.stringify(a) !== JSON.stringify(b)) return `${path}: ids differ\n  one node: ${a.join(' ')}\n  network:  ${b.join(' ')}`;
    for (const k of ['result_count', 'page_count', 'page_size', 'page'] as const) {
      if (one.body[k] !== net.body[k]) return `${path}: ${k} ${one.body[k]} on one node, ${net.body[k]} on the network`;
    }
    // Facets: the shards' counts summed are the one node's, in the same order (values and counts).
    const [fa, fb] = [
      JSON.stringify(Object.entries(one.body.facets ?? {}).map(([k, v]) => [k, Object.entries(v)])),
      JSON.stringify(Object.entries(net.body.facets ?? {}).map(([k, v]) => [k, Object.entries(v)])),
    ];
    if (fa !== fb) return `${path}: facets differ\n  one node: ${fa}\n  network:  ${fb}`;
    if (one.body.suggestion !== net.body.suggestion)
      return `${path}: suggestion ${one.body.suggestion} on one node, ${net.body.suggestion} on the network`;
    if (one.body.results.some((r, i) => r.media_type !== net.body.results[i].media_type)) return `${path}: media types differ`;
    return null;
  }
  return JSON.stringify(one.body) === JSON.stringify(net.body) ? null : `${path}: bodies differ`;
}

describe('search over a three-shard Meilisearch network', () => {
  let paths: string[] = [];

  beforeAll(async () => {
    await publishPointer('image', network.live.image);
    await publishPointer('audio', network.live.audio);
    // Every shard holds a share of the catalog (else parity would prove little).
    for (const [node, c] of Object.entries(network.counts)) {
      expect(c.image, node).toBeGreaterThan(50);
      expect(c.audio, node).toBeGreaterThan(20);
    }
    // A query mix drawn from the catalog itself: words of titles, tags, sources, creators.
    const words = new Set<string>();
    const tags = new Set<string>();
    const sources = new Set<string>();
    const creators = new Set<string>();
    const ids: string[] = [];
    for (const plural of ['images', 'audio']) {
      const { body } = await json<Envelope>(`/v1/${plural}/?page_size=20&mature=true`, UNCACHED);
      for (const r of body.results) {
        for (const w of (r.title ?? '').toLowerCase().match(/\p{L}{4,}/gu) ?? []) words.add(w);
        for (const t of r.tags ?? []) tags.add(t.name);
        sources.add(r.source);
        if (r.creator) creators.add(r.creator);
      }
      ids.push(...body.results.slice(0, 3).map((r) => `/v1/${plural}/${r.id}/related/`));
    }
    const w = [...words].slice(0, 12);
    const t = [...tags].slice(0, 4);
    const s = [...sources].slice(0, 3);
    const c = [...creators].slice(0, 3);
    for (const plural of ['images', 'audio']) {
      paths.push(`/v1/${plural}/`, `/v1/${plural}/?page=2`, `/v1/${plural}/?page_size=7&page=3`, `/v1/${plural}/?mature=true&page_size=40`);
      paths.push(`/v1/${plural}/stats/`);
      for (const word of w) paths.push(`/v1/${plural}/?q=${encodeURIComponent(word)}`);
      paths.push(`/v1/${plural}/?q=${encodeURIComponent(`${w[0]} ${w[1]}`)}&page_size=5&page=2`);
      paths.push(`/v1/${plural}/?license=by,cc0&page_size=20`, `/v1/${plural}/?license_type=commercial&q=${encodeURIComponent(w[2])}`);
      for (const source of s)
        paths.push(
          `/v1/${plural}/?source=${encodeURIComponent(source)}&page_size=20`,
          `/v1/${plural}/source/${encodeURIComponent(source)}/`,
        );
      for (const tag of t) paths.push(`/v1/${plural}/tag/${encodeURIComponent(tag)}/`, `/v1/${plural}/?tags=${encodeURIComponent(tag)}`);
      for (const creator of c) paths.push(`/v1/${plural}/?creator=${encodeURIComponent(creator)}`);
      paths.push(`/v1/${plural}/?title=${encodeURIComponent(`${w[3]} ${w[4]}`)}`);
      // Facet counts: a listing, a query, a union (field search with two terms), a filter, a collection.
      const every = (plural === 'images' ? IMAGE_FACETS : AUDIO_FACETS).join(',');
      paths.push(
        `/v1/${plural}/?facets=${every}&facet_limit=100`,
        `/v1/${plural}/?q=${encodeURIComponent(w[0])}&facets=${every}`,
        `/v1/${plural}/?title=${encodeURIComponent(`${w[3]} ${w[4]}`)}&facets=${every}&page_size=5`,
        `/v1/${plural}/?license_type=commercial&facets=license,license_type,source&facet_limit=3`,
        `/v1/${plural}/?mature=true&facets=creator,extension&facet_limit=5`,
        `/v1/${plural}/source/${encodeURIComponent(s[0])}/?facets=creator,license`,
      );
    }
    // Languages (issue #20 item 4): the query read as the language and its works first, in
    // a plain search, a field-search union and with facets; CJK queries without spaces.
    const cjk = (q: string) => encodeURIComponent(q);
    paths.push(
      `/v1/images/?q=${cjk('山')}&language=ja`,
      `/v1/images/?q=${cjk('山')}&language=zh&facets=source,license`,
      `/v1/images/?q=${cjk('清水寺')}&language=ja`,
      `/v1/images/?q=${cjk('富士山')}`,
      `/v1/images/?title=${cjk('Schwarzwald Altstadt')}&language=de`,
      `/v1/images/?q=${encodeURIComponent(w[0])}&language=en`,
      '/v1/images/?language=de&page_size=20',
    );
    paths.push(
      '/v1/images/?extension=jpg&page_size=20',
      '/v1/images/?aspect_ratio=wide',
      '/v1/images/?size=large&page_size=10',
      '/v1/audio/?length=short',
      // Colour (issue #20): the same filter on every shard.
      '/v1/images/?color=red&page_size=20',
      '/v1/images/?color=%23336699,green&colors=true&page_size=5&page=2',
      `/v1/images/?q=${encodeURIComponent(w[0])}&color=blue,white,black`,
    );
    paths.push(...ids);
    // One search over all media (both media's shards in one federation) and suggestions.
    for (const word of w.slice(0, 6)) {
      paths.push(
        `/v1/search/?q=${encodeURIComponent(word)}`,
        `/v1/images/suggest/?q=${encodeURIComponent(word.slice(0, 3))}`,
        `/v1/audio/suggest/?q=${encodeURIComponent(word.slice(0, 4))}`,
      );
    }
    paths.push(
      '/v1/search/',
      '/v1/search/?page=2&page_size=7',
      `/v1/search/?q=${encodeURIComponent(w[0])}&aspect_ratio=wide&length=short,shortest&page_size=5&page=2`,
      `/v1/search/?q=${encodeURIComponent(w[1])}&license_type=commercial&facets=source,license_type,aspect_ratio,length,creator`,
      `/v1/search/?title=${encodeURIComponent(`${w[3]} ${w[4]}`)}&category=photograph,music`,
      `/v1/search/?source=${encodeURIComponent(s[0])}&mature=true&page_size=20`,
      // Empty searches: the corrected query (suggestion) is the same on both sides.
      `/v1/search/?q=${encodeURIComponent(`${w[0]} zqxjvw`)}`,
      `/v1/images/?q=${encodeURIComponent(`${w[2]} zqxjvw`)}`,
      `/v1/images/suggest/?q=${encodeURIComponent(`${w[3]} ${w[4].slice(0, 3)}`)}`,
    );
    paths = [...new Set(paths)];
  });

  it('answers every query of the mix as one node does: same ids, order, counts and pages', async () => {
    expect(paths.length).toBeGreaterThan(60);
    expect(paths.filter((p) => p.startsWith('/v1/search/')).length).toBeGreaterThanOrEqual(10);
    expect(paths.filter((p) => p.includes('/suggest/')).length).toBeGreaterThanOrEqual(10);
    expect(paths.filter((p) => p.includes('facets=')).length).toBeGreaterThanOrEqual(12);
    const differences: string[] = [];
    for (const path of paths) {
      const d = await difference(path);
      if (d) differences.push(d);
    }
    expect(differences).toEqual([]);
  });

  it('finds works by colour on every shard (the colour paths of the mix are not empty)', async () => {
    const { body } = await json<Envelope>('/v1/images/?color=red&page_size=20&filter_dead=false', NETWORK);
    expect(body.result_count).toBe(inject('fixture').colors.red.length);
    expect(body.result_count).toBeGreaterThan(0);
  });
});
