/**
 * The query mix: generated once from the catalog's own words (titles, tags, creators,
 * facet values, read with the master key) and kept in bench/queries.json. Every Worker
 * search has its raw Meilisearch twin, built by the Worker's own code
 * (`ImageSearchQuerySchema` / `AudioSearchQuerySchema` → `buildSearchPlan`), so both
 * sides ask the engine exactly the same thing.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { AudioSearchQuerySchema, ImageSearchQuerySchema, type SearchQuery } from '../worker/routes/media/schema.js';
import { buildSearchPlan, type SearchPlan } from '../worker/search/query.js';
import type { MeiliSearchRequest } from '../worker/search/meili.js';
import { MeiliAdmin, type SearchParams } from '../ingest/meili-admin.js';

export const TAGS = ['common', 'rare', 'two_words', 'three_words', 'phrase', 'field', 'filters', 'filters_only', 'pages', 'audio'] as const;
export type Tag = (typeof TAGS)[number];

export const TAG_INFO: Record<Tag, string> = {
  common: 'one frequent word',
  rare: 'one word found in 2-3 sampled documents',
  two_words: 'two adjacent title words',
  three_words: 'three adjacent title words',
  phrase: 'a quoted two-word phrase',
  field: 'creator= / title= / tags= field search (no q)',
  filters: 'q + 1-3 filters (license_type, source, category, size, aspect_ratio, …)',
  filters_only: 'filters without q (browsing)',
  pages: 'q, page 2-5',
  audio: 'audio search (q)',
};

export interface SearchEntry {
  tag: Tag;
  media: 'image' | 'audio';
  /** Query parameters in order, unencoded. */
  params: [string, string][];
  /** The Worker path (for reading; rebuilt from `params`). */
  path: string;
  /** The raw Meilisearch search body the Worker sends for `path`. */
  meili: MeiliSearchRequest;
  /** totalHits when generated. */
  hits: number;
}

export interface QueriesFile {
  version: 1;
  generated: string;
  catalog: { images: number; audio: number; sampledImages: number; sampledAudio: number };
  seed: number;
  note: string;
  searches: SearchEntry[];
}

export const indexOf = (media: 'image' | 'audio') => (media === 'image' ? 'images' : 'audio');

export function workerPath(media: 'image' | 'audio', params: [string, string][]): string {
  const qs = params.map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join('&');
  return `/v1/${media === 'image' ? 'images' : 'audio'}/${qs ? `?${qs}` : ''}`;
}

/** The Meilisearch request the Worker builds for these parameters (anonymous caller). */
export function meiliRequestFor(media: 'image' | 'audio', params: [string, string][]): MeiliSearchRequest {
  return meiliPlanFor(media, params).request;
}

/** The Worker's whole plan for a search: its request, or the union a field search sends. */
export function meiliPlanFor(media: 'image' | 'audio', params: [string, string][]): SearchPlan {
  const raw: Record<string, string | string[]> = {};
  for (const [k, v] of params) raw[k] = k in raw ? ([] as string[]).concat(raw[k], v) : v;
  const schema = media === 'image' ? ImageSearchQuerySchema : AudioSearchQuerySchema;
  return buildSearchPlan(media, schema.parse(raw) as SearchQuery, { authenticated: false });
}

/**
 * Variant `v` of a search. Every variant asks `filter_dead=false`, so the Worker sends
 * Meilisearch exactly the raw twin's request (dead-link filtering widens the window and
 * reads link statuses: a feature measured on its own, not engine overhead). Then
 * parameters that are part of the Worker's cache key but do not change what it asks
 * Meilisearch (`qa`, and the sort parameters an anonymous caller cannot use), and
 * beyond 8 variants page_size 19…11 — which the raw twin mirrors. Variant 0 is the
 * search as generated; 1…79 are distinct from it and from each other (`VARIANTS`).
 */
export const VARIANTS = 80;
export function variant(params: [string, string][], v: number): [string, string][] {
  const extra: [string, string][] = [['filter_dead', 'false']];
  const bits = v % 8;
  const sizeStep = Math.floor(v / 8) % 10;
  if (bits & 1) extra.push(['qa', 'true']);
  if (bits & 2) extra.push(['unstable__sort_by', 'indexed_on']);
  if (bits & 4) extra.push(['unstable__sort_dir', 'asc']);
  if (sizeStep > 0) extra.push(['page_size', String(20 - sizeStep)]);
  return [...params, ...extra];
}

// ---------------------------------------------------------------- generation

/** Small seeded PRNG (mulberry32): the same catalog gives the same queries. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const STOP = new Set(
  `a an and are as at be but by for from has have in into is it its of on or over the this that to under was were with
   without de la le les des du un une et en dans sur au aux el los las y con di del und der die das img dsc jpg photo image untitled`.split(
    /\s+/,
  ),
);
const tokens = (text: string | null | undefined): string[] => (text ?? '').toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
const meaningful = (w: string) => w.length >= 3 && !STOP.has(w) && !/^\p{N}+$/u.test(w);

interface Doc {
  id: string;
  title: string | null;
  tag_names: string[];
  creator: string | null;
}

export async function generateQueries(meiliUrl: string, key: string, seed = 20261127): Promise<QueriesFile> {
  const rand = rng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)];
  const shuffle = <T>(xs: T[]): T[] => {
    for (let i = xs.length - 1; i > 0; i--) {
      const j = Math.floor(rand() * (i + 1));
      [xs[i], xs[j]] = [xs[j], xs[i]];
    }
    return xs;
  };
  const meili = new MeiliAdmin(meiliUrl, key);
  const images = await meili.documentCount('images');
  const audio = await meili.documentCount('audio');

  // Facet values: what filters can ask for.
  const facets = (
    await meili.search('images', {
      q: '',
      limit: 0,
      facets: ['source', 'category', 'license', 'aspect_ratio', 'size', 'extension'],
    })
  ).facetDistribution!;
  const top = (facet: string) =>
    Object.entries(facets[facet] ?? {})
      .sort((a, b) => b[1] - a[1])
      .map(([k]) => k);
  const sources = top('source');

  // A sample of documents from every source (the q='' order alone favours the popular).
  const attrs = ['id', 'title', 'tag_names', 'creator'];
  const sample = new Map<string, Doc>();
  for (const source of sources.slice(0, 16)) {
    const r = await meili.search<Doc>('images', {
      q: '',
      filter: `source = ${JSON.stringify(source)}`,
      limit: 600,
      attributesToRetrieve: attrs,
    });
    for (const d of r.hits) sample.set(d.id, d);
  }
  const docs = [...sample.values()];
  const audioDocs = (await meili.search<Doc>('audio', { q: '', limit: 1500, attributesToRetrieve: attrs })).hits;

  const df = (ds: Doc[]) => {
    const counts = new Map<string, number>();
    for (const d of ds) {
      for (const w of new Set([...tokens(d.title), ...d.tag_names.flatMap(tokens)].filter(meaningful)))
        counts.set(w, (counts.get(w) ?? 0) + 1);
    }
    return [...counts.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  };
  const imageDf = df(docs);
  const common = imageDf.slice(0, 60).map(([w]) => w);
  const rare = shuffle(imageDf.filter(([, n]) => n >= 2 && n <= 3).map(([w]) => w));
  const audioWords = df(audioDocs)
    .slice(0, 60)
    .map(([w]) => w);

  const grams = (n: number, ds: Doc[]) => {
    const out = new Set<string>();
    for (const d of ds) {
      const t = tokens(d.title);
      for (let i = 0; i + n <= t.length; i++) {
        const g = t.slice(i, i + n);
        if (g.filter(meaningful).length >= Math.min(n, 2) && meaningful(g[0]) && meaningful(g[n - 1])) out.add(g.join(' '));
      }
    }
    return shuffle([...out].sort());
  };
  const pairs = grams(2, docs);
  const triples = grams(3, docs);
  const creators = shuffle([...new Set(docs.map((d) => d.creator).filter((c): c is string => !!c && c.length < 60))].sort());
  const tagNames = shuffle([...new Set(docs.flatMap((d) => d.tag_names).filter((t) => t.length >= 3 && t.length < 40))].sort());

  const has = (facet: string, v: string) => (facets[facet]?.[v] ?? 0) > 0;
  const combos: [string, string][][] = [
    [['license_type', 'commercial']],
    [['license_type', 'modification']],
    [['license_type', 'commercial,modification']],
    [['license', 'by,by-sa,cc0']],
    [['source', sources[0]]],
    [['source', `${sources[1] ?? sources[0]},${sources[2] ?? sources[0]}`]],
    [['excluded_source', sources[0]]],
    [['category', 'photograph']],
    [['category', 'illustration,digitized_artwork']],
    [['size', 'large']],
    [['size', 'small,medium']],
    [['aspect_ratio', 'wide']],
    [['aspect_ratio', 'tall,square']],
    [
      ['source', sources[0]],
      ['license_type', 'commercial'],
    ],
    [
      ['category', 'photograph'],
      ['size', 'large'],
      ['aspect_ratio', 'wide'],
    ],
    [
      ['license_type', 'commercial'],
      ['aspect_ratio', 'tall'],
    ],
    [['extension', top('extension')[0] ?? 'jpg']],
    [['mature', 'true']],
    [
      ['source', sources[3] ?? sources[0]],
      ['size', 'medium'],
    ],
  ].filter((combo) =>
    combo.every(([k, v]) => (['category', 'size', 'aspect_ratio'].includes(k) ? v.split(',').every((x) => has(k, x)) : true)),
  ) as [string, string][][];

  const searches: SearchEntry[] = [];
  const seen = new Set<string>();
  const total = async (media: 'image' | 'audio', params: [string, string][]) => {
    const body = meiliRequestFor(media, params);
    const r = await meili.search(indexOf(media), body as SearchParams);
    return r.totalHits ?? r.estimatedTotalHits ?? 0;
  };
  const add = async (tag: Tag, media: 'image' | 'audio', params: [string, string][], minHits = 1): Promise<boolean> => {
    const path = workerPath(media, params);
    if (seen.has(path)) return false;
    const hits = await total(media, params);
    if (hits < minHits) return false;
    seen.add(path);
    searches.push({ tag, media, params, path, meili: meiliRequestFor(media, params), hits });
    return true;
  };
  const fill = async (
    tag: Tag,
    want: number,
    candidates: () => { media?: 'image' | 'audio'; params: [string, string][]; min?: number } | null,
  ) => {
    let got = 0;
    for (let tries = 0; got < want && tries < want * 20; tries++) {
      const c = candidates();
      if (c && (await add(tag, c.media ?? 'image', c.params, c.min ?? 1))) got++;
    }
  };

  let i = 0;
  await fill('common', 24, () => ({ params: [['q', common[i++ % 30]]] }));
  i = 0;
  await fill('rare', 24, () => (rare.length ? { params: [['q', rare[i++ % rare.length]]] } : null));
  i = 0;
  await fill('two_words', 24, () => (pairs.length ? { params: [['q', pairs[i++ % pairs.length]]] } : null));
  i = 0;
  await fill('three_words', 20, () => (triples.length ? { params: [['q', triples[i++ % triples.length]]] } : null));
  i = pairs.length >> 1;
  await fill('phrase', 20, () => (pairs.length ? { params: [['q', `"${pairs[i++ % pairs.length]}"`]] } : null));
  i = 0;
  await fill('field', 24, () => {
    const k = i++ % 3;
    if (k === 0) return creators.length ? { params: [['creator', creators[i % creators.length]]] } : null;
    if (k === 1) return { params: [['title', common[10 + (i % 40)]]] };
    return tagNames.length ? { params: [['tags', tagNames[i % tagNames.length]]] } : null;
  });
  await fill('filters', 36, () => ({ params: [['q', pick(common)], ...pick(combos)] }));
  i = 0;
  await fill('filters_only', Math.min(16, combos.length), () => ({ params: combos[i++ % combos.length] }));
  await fill('pages', 24, () => {
    const page = 2 + Math.floor(rand() * 4);
    return {
      params: [
        ['q', pick(common.slice(0, 40))],
        ['page', String(page)],
      ],
      min: page * 20 - 19,
    };
  });
  i = 0;
  await fill('audio', 16, () =>
    audioWords.length
      ? {
          media: 'audio',
          params: [['q', i % 4 === 3 ? `${audioWords[i++ % 20]} ${audioWords[(i * 7) % 40]}` : audioWords[i++ % audioWords.length]]],
        }
      : null,
  );

  return {
    version: 1,
    generated: new Date().toISOString(),
    catalog: { images, audio, sampledImages: docs.length, sampledAudio: audioDocs.length },
    seed,
    note:
      'Generated by bench/search.ts from the demo catalog (titles, tags, creators and facet values read with the master key). ' +
      '`meili` is the search request the Worker sends to Meilisearch for `path` (anonymous caller); the benchmark rebuilds it ' +
      'with the Worker code at run time and warns when it differs. Related and detail requests use ids found by these searches at run time.',
    searches,
  };
}

export function loadQueries(file: string): QueriesFile | null {
  if (!existsSync(file)) return null;
  return JSON.parse(readFileSync(file, 'utf8')) as QueriesFile;
}

export function saveQueries(file: string, q: QueriesFile): void {
  writeFileSync(file, `${JSON.stringify(q, null, 1)}\n`);
}

/** Interleaves the searches so consecutive requests come from different workloads. */
export function interleave(searches: SearchEntry[]): SearchEntry[] {
  const byTag = new Map<Tag, SearchEntry[]>();
  for (const s of searches) byTag.set(s.tag, [...(byTag.get(s.tag) ?? []), s]);
  const out: SearchEntry[] = [];
  for (let round = 0; out.length < searches.length; round++) {
    for (const tag of TAGS) {
      const s = byTag.get(tag)?.[round];
      if (s) out.push(s);
    }
  }
  return out;
}
