/**
 * Facet counts (issue #20): which facets each media type offers, the `facet_limit`
 * bounds, the index attributes a request asks the engine for, and the answer's shape.
 * One home for every facet rule; `license_type` is derived here from `license`.
 */
import { LICENSE_GROUPS, LICENSE_TYPES } from '../../model/licenses.js';
import type { MediaType } from '../../model/record.js';
import { MAX_FACET_VALUES } from '../../model/search-index.js';

const COMMON_FACETS = ['source', 'license', 'license_type', 'category', 'extension', 'creator'] as const;
export const IMAGE_FACETS = [...COMMON_FACETS, 'aspect_ratio', 'size'] as const;
export const AUDIO_FACETS = [...COMMON_FACETS, 'length'] as const;
/** `/v1/search/` (both media): every facet of either; a kind-only facet counts works of its kind. */
export const ALL_MEDIA_FACETS = [...COMMON_FACETS, 'aspect_ratio', 'size', 'length'] as const;
export type FacetName = (typeof ALL_MEDIA_FACETS)[number];

/** `facet_limit`: the top values returned per facet. */
export const FACET_LIMIT = { min: 1, max: 100, default: 20 } as const;

export function facetsOf(mediaType: MediaType): readonly FacetName[] {
  return mediaType === 'image' ? IMAGE_FACETS : AUDIO_FACETS;
}

/** The index attributes behind the requested facets (`license_type` is counted from `license`). */
export function engineFacets(requested: readonly string[]): string[] {
  return [...new Set(requested.map((f) => (f === 'license_type' ? 'license' : f)))];
}

export type FacetCounts = Record<string, Record<string, number>>;

/**
 * The answer's `facets`: for each requested facet (in the order asked), its top `limit`
 * values by count, ties by value, as an object in that order. A work has one licence, so
 * a `license_type` count is the sum of its member licences' counts: the number of works
 * the same search with `license_type=<type>` finds.
 *
 * The engine returns an attribute's `MAX_FACET_VALUES` most frequent values, its ties
 * unranked: when it returned that many, values at the lowest count may be missing, so
 * they are left out rather than ranked wrongly (fewer than `limit` values then).
 */
export function shapeFacets(distribution: FacetCounts | undefined, requested: readonly string[], limit: number): FacetCounts {
  const out: FacetCounts = {};
  for (const facet of requested) {
    let counts = distribution?.[facet] ?? {};
    if (facet === 'license_type') {
      const byLicense = distribution?.license ?? {};
      counts = {};
      for (const type of LICENSE_TYPES) {
        const n = LICENSE_GROUPS[type].reduce((sum, slug) => sum + (byLicense[slug] ?? 0), 0);
        if (n > 0) counts[type] = n;
      }
    }
    const all = Object.values(counts);
    const floor = all.length >= MAX_FACET_VALUES ? Math.min(...all) : 0;
    const top = Object.entries(counts)
      .filter(([, n]) => n > floor)
      .sort(([a, x], [b, y]) => y - x || (a < b ? -1 : a > b ? 1 : 0))
      .slice(0, limit);
    out[facet] = Object.fromEntries(top);
  }
  return out;
}
