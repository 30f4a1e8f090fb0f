/**
 * Documents per source in the live index (§4.7): one facet search over the whole index,
 * mature works included, as the original's terms aggregation was.
 */
import type { MediaType } from '../../model/record.js';
import { liveIndexName } from '../../model/search-index.js';
import type { SearchEngine } from './meili.js';

/** `{source: document count}`; a source without documents is absent. */
export async function sourceCounts(engine: SearchEngine, mediaType: MediaType, indexPrefix?: string): Promise<Record<string, number>> {
  const response = await engine.search<never>(liveIndexName(mediaType, indexPrefix), { q: '', limit: 0, facets: ['source'] });
  return response.facetDistribution?.source ?? {};
}
