/**
 * The Meilisearch side of the document model: served index names, the fields queries
 * use, and the index settings the ingest applies before pushing documents.
 */
import type { MediaType } from './record.js';

/** Served index per media type; refreshes build `<name>__<generation>` and swap it in. */
export function liveIndexName(mediaType: MediaType, prefix = ''): string {
  return `${prefix}${mediaType === 'image' ? 'images' : 'audio'}`;
}

/**
 * Where search finds a media type's live generation: its index, and on a Meilisearch
 * network the node names of each shard (replicas after the first); `shards` null on one
 * node. The ingest's switch records it (`search_generation`) and tells the Worker.
 */
export interface LivePointer {
  index: string;
  shards: string[][] | null;
}

export function generationIndexName(mediaType: MediaType, generation: number, prefix = ''): string {
  return `${liveIndexName(mediaType, prefix)}__${generation}`;
}

/** Fields `q` searches, in weight order: the attribute rule ranks title matches first. */
export const TEXT_FIELDS = ['title', 'tag_names', 'description'] as const;
/** Field-search parameters (`creator`, `title`, `tags`) → document attribute. */
export const FIELD_SEARCH = { title: 'title', tags: 'tag_names', creator: 'creator' } as const;
/** Document attribute → the name Openverse reports in `fields_matched`. */
export const MATCHED_FIELD_NAME: Record<string, string> = {
  title: 'title',
  tag_names: 'tags.name',
  description: 'description',
};

const COMMON_FILTERS = [
  'license',
  'source',
  'provider',
  'category',
  'extension',
  'mature',
  'sensitive_text',
  'tag_names',
  'creator',
  'language',
];

/**
 * The keys of a browse's order (a sort field, then `id` to break ties): compared (`>`,
 * `<`) by cursor paging's keyset filter, which continues a browse past the result window.
 */
export const KEYSET_FIELDS = ['id', 'popularity', 'indexed_on_ts'] as const;

/** Highest `page * page_size` the API serves (20 pages of 500). */
export const MAX_RESULT_WINDOW = 10_000;

/** Attributes the API filters on with `=`/`IN` only (`KEYSET_FIELDS` also compare). */
export function filterAttributes(mediaType: MediaType): string[] {
  return mediaType === 'image' ? [...COMMON_FILTERS, 'aspect_ratio', 'size', 'color_names'] : [...COMMON_FILTERS, 'length'];
}

/** Values per attribute a facet count returns at most (the most frequent; ties unranked). */
export const MAX_FACET_VALUES = 200;

export function indexSettings(mediaType: MediaType) {
  return {
    searchableAttributes: [...TEXT_FIELDS, 'creator'],
    // Equality only: no comparison structures, no facet search. With `id` alone as an
    // equality-only filter the raw 1M-document push went from 384 to 261 s
    // (bench/RESULTS.md, "ingest stages"); facet counts (stats) still work.
    filterableAttributes: [
      {
        attributePatterns: filterAttributes(mediaType),
        features: { facetSearch: false, filter: { equality: true, comparison: false } },
      },
      { attributePatterns: [...KEYSET_FIELDS], features: { facetSearch: false, filter: { equality: true, comparison: true } } },
    ],
    // `id` breaks ties in a browse's order, so cursor paging has a total order to resume.
    sortableAttributes: ['indexed_on_ts', 'popularity', 'id'],
    // Relevance first; popularity breaks ties between equally relevant documents.
    rankingRules: ['words', 'typo', 'proximity', 'attribute', 'sort', 'exactness', 'popularity:desc'],
    displayedAttributes: ['*'],
    typoTolerance: { disableOnAttributes: ['creator'], disableOnNumbers: true },
    pagination: { maxTotalHits: MAX_RESULT_WINDOW },
    // Facet counts (`facets=`, `/stats/`): the 200 most frequent values per attribute, so
    // the API's top `facet_limit` (at most 100) are among them whatever the alphabet.
    faceting: { maxValuesPerFacet: MAX_FACET_VALUES, sortFacetValuesBy: { '*': 'count' as const } },
    // Facet *search* (typing into a facet) is never used; building it was the largest
    // single indexing step (bench/RESULTS.md: 370 s of 628 s at 1M documents).
    facetSearch: false,
  };
}
