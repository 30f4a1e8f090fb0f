/**
 * Search for one media type: validated parameters → one Meilisearch query → the
 * Openverse envelope (§3.3). No Postgres round trip: results come from the documents.
 */
import type { ImageDocument, SearchDocument } from '../../model/document.js';
import type { MediaRecord, MediaType } from '../../model/record.js';
import { mediaResult, type AudioResult, type ImageResult } from '../../model/result.js';
import { MATCHED_FIELD_NAME, MAX_RESULT_WINDOW, liveIndexName } from '../../model/search-index.js';
import { MAX_PAGE } from '../routes/media/schema.js';
import type { SearchQuery } from '../routes/media/schema.js';
import { shapeFacets, type FacetCounts } from './facets.js';
import type { MeiliSearchResponse, SearchEngine } from './meili.js';
import { liveWindow, type LinkVerdicts, type Ranking } from './live-window.js';
import type { CursorPosition, Walk } from './cursor.js';
import { afterFilter, buildSearchPlan, isBrowse, keysetOf, runPlan, type Collection, type RankedWindow, type SearchPlan } from './query.js';
import { correctedQuery } from './suggest.js';

export interface SearchEnvelope<R = ImageResult | AudioResult> {
  result_count: number;
  page_count: number;
  page_size: number;
  page: number;
  results: R[];
  /** Only when `facets=` asked for it (issue #20). */
  facets?: FacetCounts;
  /** Only when a `q` search found nothing and a corrected query finds works (issue #20). */
  suggestion?: string;
  /** Key holders on the search route, when more results exist (issue #18, cursor.ts). */
  next_cursor?: string;
}

export interface SearchContext {
  engine: SearchEngine;
  indexPrefix?: string;
  baseUrl: string;
  authenticated: boolean;
  collection?: Collection;
  /** Looks up stored waveform peaks (audio, `peaks=true`): one query for the page. */
  peaksFor?: (ids: string[]) => Promise<Map<string, number[]>>;
  /** Link verdicts for `filter_dead=true`; without them no result is checked. */
  links?: LinkVerdicts;
  /** Cursor paging (key holders on the search route); without it no `next_cursor`. */
  walk?: Walk;
}

/** Maps `_matchesPosition` keys (`tag_names.3`, `title`) to Openverse's field names. */
export function fieldsMatched(positions: Record<string, unknown> | undefined): string[] {
  if (!positions) return [];
  const names = new Set<string>();
  for (const key of Object.keys(positions)) {
    const name = MATCHED_FIELD_NAME[key.split('.')[0]];
    if (name) names.add(name);
  }
  return [...names].sort();
}

/** Counting rules of §3.3: capped totals, and exhaustion signalled by a short page. */
export function envelope<R>(total: number, page: number, pageSize: number, results: R[]): SearchEnvelope<R> {
  if (results.length === 0) return { result_count: 0, page_count: 0, page_size: pageSize, page, results };
  let resultCount = Math.min(total, MAX_RESULT_WINDOW);
  let pageCount = Math.min(MAX_PAGE, Math.ceil(resultCount / pageSize));
  if (results.length < pageSize) {
    if (pageCount === 1) resultCount = results.length;
    pageCount = page;
  }
  return { result_count: resultCount, page_count: pageCount, page_size: pageSize, page, results };
}

export async function searchMedia(mediaType: MediaType, params: SearchQuery, ctx: SearchContext): Promise<SearchEnvelope> {
  const opts = { authenticated: ctx.authenticated, collection: ctx.collection };
  const whole = buildSearchPlan(mediaType, params, opts);
  const browse = isBrowse(params);
  const from = ctx.walk?.from;
  // A keyset cursor resumes a browse after its last keys, from the first page of the rest.
  const plan = from && 'after' in from ? resumeAfter(whole, from.after) : whole;
  const page = from ? ('page' in from ? from.page : 1) : params.page;
  const index = liveIndexName(mediaType, ctx.indexPrefix);
  const ranking: Ranking<Hit> = (window, withFacets) =>
    runPlan<SearchDocument>(ctx.engine, index, withFacets ? plan : { ...plan, facets: undefined }, window);
  const found = await rankedPage(ranking, { ...params, page }, ctx);
  const results = await serialize(found.hits, () => mediaType, params, ctx);
  let body: SearchEnvelope;
  if (from) {
    body = walkEnvelope(found.total, from.n, page, params.page_size, results, browse);
    if (params.facets?.length) {
      // Facets count the whole result set: a resumed browse asks without its keyset filter.
      const counts = plan === whole ? found.facets : (await runPlan(ctx.engine, index, whole, { offset: 0, limit: 0 })).facets;
      body.facets = shapeFacets(counts, params.facets, params.facet_limit);
    }
  } else {
    body = await answer(found, results, params, {
      engine: ctx.engine,
      indexes: [index],
      // The same search (filters and all) with the corrected query: a count only.
      finds: async (q) =>
        (await runPlan(ctx.engine, index, buildSearchPlan(mediaType, { ...params, q }, opts), { offset: 0, limit: 0 })).total > 0,
    });
  }
  // A sharded answer missing a shard would carry the walk past works it never saw.
  if (!ctx.walk || partial(ctx.engine)) return body;
  const next = nextPosition(plan, browse, {
    n: from?.n ?? page,
    page,
    pageSize: params.page_size,
    total: found.total,
    hits: found.hits,
    scanned: found.scanned,
  });
  return next ? { ...body, next_cursor: await ctx.walk.mint(next) } : body;
}

type Hit = MeiliSearchResponse<SearchDocument>['hits'][number];

/** The page of a ranking the parameters ask for: cut from live hits with `filter_dead`. */
export function rankedPage<H extends Hit>(ranking: Ranking<H>, params: SearchQuery, ctx: SearchContext): Promise<RankedWindow<H>> {
  return params.filter_dead && ctx.links
    ? liveWindow(ranking, params.page, params.page_size, ctx.links)
    : ranking({ page: params.page, hitsPerPage: params.page_size }, true);
}

/** Hits as API results (`kindOf` each hit's media type), with stored peaks when asked (audio). */
export async function serialize<H extends Hit>(
  hits: H[],
  kindOf: (hit: H) => MediaType,
  params: SearchQuery,
  ctx: SearchContext,
): Promise<(ImageResult | AudioResult)[]> {
  const tracks = params.peaks && ctx.peaksFor ? hits.filter((h) => kindOf(h) === 'audio').map((h) => h.id) : [];
  // Stored peaks when asked for; `[]` for a track the waveform job has not done yet.
  const stored = tracks.length ? await ctx.peaksFor!(tracks) : null;
  return hits.map((hit) => {
    const mediaType = kindOf(hit);
    return mediaResult(mediaType, hit as unknown as MediaRecord, {
      baseUrl: ctx.baseUrl,
      fieldsMatched: fieldsMatched(hit._matchesPosition),
      peaks: stored && mediaType === 'audio' ? (stored.get(hit.id) ?? []) : undefined,
      sensitivity: params.unstable__include_sensitive_results,
      // `[]` for an image the colour job has not done yet.
      colors: mediaType === 'image' && params.colors ? ((hit as unknown as ImageDocument).colors ?? []) : undefined,
    });
  });
}

/**
 * The envelope of a page: counts, facets when asked, and, when a `q` search found
 * nothing, the corrected query that finds works (computed only then).
 */
export async function answer<R>(
  found: RankedWindow<unknown>,
  results: R[],
  params: SearchQuery,
  correction: { engine: SearchEngine; indexes: string[]; finds: (q: string) => Promise<boolean> },
): Promise<SearchEnvelope<R>> {
  // result_count is the engine's total, not reduced by dead links (§3.3); so are facet counts.
  const body = envelope(found.total, params.page, params.page_size, results);
  if (params.facets?.length) body.facets = shapeFacets(found.facets, params.facets, params.facet_limit);
  if (found.total === 0 && params.q !== undefined) {
    const suggestion = await correctedQuery(correction.engine, correction.indexes, params.q, correction.finds);
    if (suggestion !== undefined) body.suggestion = suggestion;
  }
  return body;
}

/** Whether the engine left shards out of this request's answers (sharded-engine.ts `missing`). */
function partial(engine: SearchEngine): boolean {
  return ((engine as { missing?: ReadonlySet<string> }).missing?.size ?? 0) > 0;
}

/** A browse narrowed to what follows `after` (sort key, id) in its order. */
function resumeAfter(plan: SearchPlan, [value, id]: [number, string]): SearchPlan {
  const filter = [...(plan.request.filter ?? []), afterFilter(plan.request, value, id)];
  return { ...plan, request: { ...plan.request, filter } };
}

/**
 * Where the walk goes next, if more results may exist: after the last hit's keys
 * (browse), or the next page while the engine still ranks (text, `MAX_RESULT_WINDOW`).
 * A browse whose count reached the engine's cap may have more: its last page can come
 * back empty, without a cursor. A browse page left short by dead links resumes after
 * the last hit it read, dead or not: the page took every live one before it.
 */
function nextPosition(
  plan: SearchPlan,
  browse: boolean,
  at: { n: number; page: number; pageSize: number; total: number; hits: { id: string }[]; scanned?: RankedWindow<unknown>['scanned'] },
): CursorPosition | null {
  // A short page took every live hit it read: the walk goes on from the last one read.
  const scanned = at.hits.length < at.pageSize ? at.scanned : undefined;
  const seen = scanned ? scanned.count : (at.page - 1) * at.pageSize + at.hits.length;
  if (browse) {
    const last = (scanned ? scanned.last : at.hits.at(-1)) as Record<string, unknown> | undefined;
    if (!last || (at.total <= seen && at.total < MAX_RESULT_WINDOW)) return null;
    return { n: at.n + 1, after: [last[keysetOf(plan.request).field] as number, last.id as string] };
  }
  if (at.page * at.pageSize >= Math.min(at.total, MAX_RESULT_WINDOW) || at.hits.length === 0) return null;
  return { n: at.n + 1, page: at.page + 1 };
}

/**
 * The envelope of a page reached by cursor: `page` is the walk's page number;
 * `result_count` counts (capped) results from this page on for a browse, or from the
 * first for a text search; `page_count` adds to `page` the pages those still fill.
 */
function walkEnvelope(
  total: number,
  n: number,
  page: number,
  pageSize: number,
  results: SearchEnvelope['results'],
  browse: boolean,
): SearchEnvelope {
  const resultCount = Math.min(total, MAX_RESULT_WINDOW);
  const ahead = Math.max(0, (browse ? resultCount : resultCount - (page - 1) * pageSize) - pageSize);
  return { result_count: resultCount, page_count: n + Math.ceil(ahead / pageSize), page_size: pageSize, page: n, results };
}
