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
import { buildSearchPlan, runPlan, type Collection } from './query.js';

export interface SearchEnvelope {
  result_count: number;
  page_count: number;
  page_size: number;
  page: number;
  results: (ImageResult | AudioResult)[];
  /** Only when `facets=` asked for it (issue #20). */
  facets?: FacetCounts;
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
  const plan = buildSearchPlan(mediaType, params, { authenticated: ctx.authenticated, collection: ctx.collection });
  const index = liveIndexName(mediaType, ctx.indexPrefix);
  const { hits, total, facets } =
    params.filter_dead && ctx.links
      ? await liveWindow(
          (window, withFacets) => runPlan<SearchDocument>(ctx.engine, index, withFacets ? plan : { ...plan, facets: undefined }, window),
          params.page,
          params.page_size,
          ctx.links,
        )
      : await runPlan<SearchDocument>(ctx.engine, index, plan, { page: params.page, hitsPerPage: params.page_size });
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
  const body = envelope(total, params.page, params.page_size, results);
  return params.facets?.length ? { ...body, facets: shapeFacets(facets, params.facets, params.facet_limit) } : body;
}
