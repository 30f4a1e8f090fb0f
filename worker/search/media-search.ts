/**
 * Search for one media type: validated parameters → one Meilisearch query → the
 * Openverse envelope (§3.3). No Postgres round trip: results come from the documents.
 */
import type { SearchDocument } from '../../model/document.js';
import type { MediaRecord, MediaType } from '../../model/record.js';
import { mediaResult, type AudioResult, type ImageResult } from '../../model/result.js';
import { MATCHED_FIELD_NAME, MAX_RESULT_WINDOW, liveIndexName } from '../../model/search-index.js';
import { MAX_PAGE } from '../routes/media/schema.js';
import type { SearchQuery } from '../routes/media/schema.js';
import { shapeFacets, type FacetCounts } from './facets.js';
import type { SearchEngine } from './meili.js';
import { liveWindow, type LinkVerdicts } from './live-window.js';
import type { CursorPosition, Walk } from './cursor.js';
import { afterFilter, buildSearchPlan, isBrowse, keysetOf, runPlan, type Collection, type SearchPlan } from './query.js';

export interface SearchEnvelope {
  result_count: number;
  page_count: number;
  page_size: number;
  page: number;
  results: (ImageResult | AudioResult)[];
  /** Only when `facets=` asked for it (issue #20). */
  facets?: FacetCounts;
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
export function envelope(total: number, page: number, pageSize: number, results: SearchEnvelope['results']): SearchEnvelope {
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
  let plan = buildSearchPlan(mediaType, params, { authenticated: ctx.authenticated, collection: ctx.collection });
  const browse = isBrowse(params);
  const from = ctx.walk?.from;
  // A keyset cursor resumes a browse after its last keys, from the first page of the rest.
  if (from && 'after' in from) plan = resumeAfter(plan, from.after);
  const page = from ? ('page' in from ? from.page : 1) : params.page;
  const index = liveIndexName(mediaType, ctx.indexPrefix);
  const { hits, total, facets } =
    params.filter_dead && ctx.links
      ? await liveWindow(ctx.engine, index, plan, page, params.page_size, ctx.links)
      : await runPlan<SearchDocument>(ctx.engine, index, plan, { page, hitsPerPage: params.page_size });
  // Stored peaks when asked for; `[]` for a track the waveform job has not done yet.
  const stored = mediaType === 'audio' && params.peaks && ctx.peaksFor ? await ctx.peaksFor(hits.map((h) => h.id)) : null;
  const results = hits.map((hit) =>
    mediaResult(mediaType, hit as unknown as MediaRecord, {
      baseUrl: ctx.baseUrl,
      fieldsMatched: fieldsMatched(hit._matchesPosition),
      peaks: stored ? (stored.get(hit.id) ?? []) : undefined,
      sensitivity: params.unstable__include_sensitive_results,
    }),
  );
  // result_count is the engine's total, not reduced by dead links (§3.3); so are facet counts.
  const walked = from
    ? walkEnvelope(total, from.n, page, params.page_size, results, browse)
    : envelope(total, page, params.page_size, results);
  const body = params.facets?.length ? { ...walked, facets: shapeFacets(facets, params.facets, params.facet_limit) } : walked;
  if (!ctx.walk) return body;
  const next = nextPosition(plan, browse, { n: from?.n ?? page, page, pageSize: params.page_size, total, hits });
  return next ? { ...body, next_cursor: await ctx.walk.mint(next) } : body;
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
 * back empty, without a cursor.
 */
function nextPosition(
  plan: SearchPlan,
  browse: boolean,
  at: { n: number; page: number; pageSize: number; total: number; hits: { id: string }[] },
): CursorPosition | null {
  const seen = (at.page - 1) * at.pageSize + at.hits.length;
  if (browse) {
    const last = at.hits.at(-1) as unknown as Record<string, unknown> | undefined;
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
