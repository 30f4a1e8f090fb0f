/**
 * One search over all media (`/v1/search/`, issue #20): the image plan and the audio
 * plan of the same parameters (query.ts), run as one federated multi-search over both
 * live indexes, so images and audio are ranked together; each result carries
 * `media_type`. The shared parameters apply to both media types; a media type's own
 * (`aspect_ratio`, `size`, `color`, `colors`; `length`, `peaks`; its `category` values; its facets) apply
 * to it alone, so they narrow that media type and leave the other as it is.
 */
import type { SearchDocument } from '../../model/document.js';
import type { MediaType } from '../../model/record.js';
import type { AudioResult, ImageResult } from '../../model/result.js';
import { AUDIO_CATEGORIES, IMAGE_CATEGORIES } from '../../model/search-filters.js';
import { liveIndexName } from '../../model/search-index.js';
import type { AllSearchQuery, SearchQuery } from '../routes/media/schema.js';
import { facetsOf as facetsOfMedia } from './facets.js';
import type { Ranking } from './live-window.js';
import { answer, rankedPage, serialize, type SearchContext, type SearchEnvelope } from './media-search.js';
import type { FederatedMember, FederationOf, MeiliSearchResponse, SearchEngine } from './meili.js';
import { buildSearchPlan, facetsOf, rangeOf, type QueryOptions, type RankedWindow, type Window } from './query.js';

export const ALL_MEDIA: readonly MediaType[] = ['image', 'audio'];

export type AllMediaResult = ({ media_type: 'image' } & ImageResult) | ({ media_type: 'audio' } & AudioResult);

/** Only the values one media type has; none (the media type is not narrowed) when there are none. */
function own(values: string[] | undefined, allowed: readonly string[]): string[] | undefined {
  const kept = values?.filter((v) => allowed.includes(v));
  return kept?.length ? kept : undefined;
}

/** The parameters one media type takes from an all-media search: the shared ones, and its own. */
export function paramsFor(mediaType: MediaType, params: AllSearchQuery): SearchQuery {
  const { category, aspect_ratio, size, color, colors, length, peaks, facets, ...shared } = params;
  const mine = own(facets, facetsOfMedia(mediaType));
  return mediaType === 'image'
    ? { ...shared, category: own(category, IMAGE_CATEGORIES), aspect_ratio, size, color, colors, facets: mine }
    : { ...shared, category: own(category, AUDIO_CATEGORIES), length, peaks, facets: mine };
}

/** Both media types' requests as members of one federated search, each member's media type, and facets per index. */
export interface AllMediaPlan {
  members: FederatedMember[];
  kinds: MediaType[];
  facets?: Record<string, string[]>;
}

export function buildAllMediaPlan(params: AllSearchQuery, opts: QueryOptions, indexPrefix?: string): AllMediaPlan {
  const plan: AllMediaPlan = { members: [], kinds: [] };
  for (const mediaType of ALL_MEDIA) {
    const index = liveIndexName(mediaType, indexPrefix);
    const one = buildSearchPlan(mediaType, paramsFor(mediaType, params), opts);
    // A field search's union keeps its members and weights; a document counts once per index.
    for (const member of one.union ?? [{ request: one.request }]) {
      plan.members.push({ ...member, index });
      plan.kinds.push(mediaType);
    }
    if (one.facets?.length) (plan.facets ??= {})[index] = one.facets;
  }
  return plan;
}

type Hit = MeiliSearchResponse<SearchDocument & FederationOf>['hits'][number];

/** One window of the merged ranking: hits of both media, the total of both, merged facet counts. */
export async function runAllMediaPlan(
  engine: SearchEngine,
  plan: AllMediaPlan,
  window: Window,
  withFacets = true,
): Promise<RankedWindow<Hit>> {
  const facets = withFacets ? plan.facets : undefined;
  const r = await engine.searchFederated<SearchDocument>(plan.members, rangeOf(window), facets);
  return { hits: r.hits, total: r.estimatedTotalHits ?? r.hits.length, ...facetsOf(r, facets && Object.values(facets).flat()) };
}

/** The media type of a hit: that of the member it came from. */
function kindOf(plan: AllMediaPlan, hit: Hit): MediaType {
  return plan.kinds[hit._federation!.queriesPosition];
}

export async function searchAllMedia(params: AllSearchQuery, ctx: SearchContext): Promise<SearchEnvelope<AllMediaResult>> {
  const opts = { authenticated: ctx.authenticated };
  const plan = buildAllMediaPlan(params, opts, ctx.indexPrefix);
  const ranking: Ranking<Hit> = (window, withFacets) => runAllMediaPlan(ctx.engine, plan, window, withFacets);
  const found = await rankedPage(ranking, params, ctx);
  const results = await serialize(found.hits, (hit) => kindOf(plan, hit), params, ctx);
  const typed = results.map((result, i) => ({ media_type: kindOf(plan, found.hits[i]), ...result }) as AllMediaResult);
  return answer(found, typed, params, {
    engine: ctx.engine,
    indexes: ALL_MEDIA.map((m) => liveIndexName(m, ctx.indexPrefix)),
    finds: async (q) =>
      (
        await runAllMediaPlan(
          ctx.engine,
          buildAllMediaPlan({ ...params, q, facets: undefined }, opts, ctx.indexPrefix),
          { offset: 0, limit: 0 },
          false,
        )
      ).total > 0,
  });
}
