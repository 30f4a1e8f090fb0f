/**
 * Documents per source in the live index (§4.7): one facet search over the whole index,
 * mature works included, as the original's terms aggregation was.
 */
import type { MediaType } from '../../model/record.js';
import { liveIndexName } from '../../model/search-index.js';
import type { MeiliSearchRequest, MeiliSearchResponse, SearchEngine } from './meili.js';

interface FacetRequest extends MeiliSearchRequest {
  limit: number;
  facets: string[];
}

interface FacetResponse extends MeiliSearchResponse<never> {
  facetDistribution?: Record<string, Record<string, number>>;
}

/** `{source: document count}`; a source without documents is absent. */
export async function sourceCounts(engine: SearchEngine, mediaType: MediaType, indexPrefix?: string): Promise<Record<string, number>> {
  const request: FacetRequest = { q: '', limit: 0, facets: ['source'] };
  const response = (await engine.search<never>(liveIndexName(mediaType, indexPrefix), request)) as FacetResponse;
  return response.facetDistribution?.source ?? {};
}
