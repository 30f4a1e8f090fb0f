/**
 * Related media (§7.2) on Meilisearch, which has no more-like-this: the item is read
 * from the live index (a search filtered on its id: the search-only key can call
 * nothing but `/search`), then its title words and tag names become the query of
 * searches over titles and tags (see `relatedMedia`). Never the item itself, never
 * what a search hides by default (mature works, sensitive text).
 */
import type { SearchDocument } from '../../model/document.js';
import type { MediaRecord, MediaType } from '../../model/record.js';
import { mediaResult, RESULT_FIELDS } from '../../model/result.js';
import { liveIndexName } from '../../model/search-index.js';
import { envelope, type SearchEnvelope } from './media-search.js';
import type { MeiliSearchRequest, SearchEngine } from './meili.js';
import { HIDE_SENSITIVE_FILTER, quote } from './query.js';

/** Openverse answers at most 10 related works, on one page (§7.2 step 3). */
export const RELATED_PAGE_SIZE = 10;
/**
 * Meilisearch reads only the first 10 words of a query, so more terms would be ignored;
 * the order below decides which 10 count.
 */
export const MAX_RELATED_TERMS = 10;
/** Fields the related query searches: the ones similarity is judged on. */
export const RELATED_FIELDS = ['title', 'tag_names'] as const;

/** Words that say nothing about a work's subject (English; titles are mostly English). */
const STOP_WORDS = new Set(
  `a an and are as at be but by for from has have in into is it its of on or over the this
   that to under was were with without i me my you your we our he she his her they their
   de la le les des du un une et en dans sur au aux el los las y con di del und der die das
   img dsc dscn dcim jpg jpeg png gif tif tiff wav mp3 ogg flac aiff m4a photo image picture untitled`.split(/\s+/),
);

function words(text: string | null | undefined): string[] {
  return (text ?? '').toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
}

function meaningful(word: string): boolean {
  if (STOP_WORDS.has(word)) return false;
  // One Latin letter or digit carries nothing; a single CJK character can.
  return word.length > 1 || /[^\p{Script=Latin}\p{N}]/u.test(word);
}

/**
 * The query terms of the related search: title words first (the most specific), then
 * tag words, de-duplicated, stop words and one-letter words dropped, numbers (years,
 * camera counters) last, at most `MAX_RELATED_TERMS`.
 */
export function relatedTerms(title: string | null, tagNames: readonly string[]): string[] {
  const seen = new Set<string>();
  const text: string[] = [];
  const numbers: string[] = [];
  for (const word of [...words(title), ...tagNames.flatMap((t) => words(t))]) {
    if (seen.has(word) || !meaningful(word)) continue;
    seen.add(word);
    (/^\p{N}+$/u.test(word) ? numbers : text).push(word);
  }
  return [...text, ...numbers].slice(0, MAX_RELATED_TERMS);
}

export interface RelatedContext {
  engine: SearchEngine;
  indexPrefix?: string;
  baseUrl: string;
  /** Stored peaks for audio results when the caller asked with `peaks=true`. */
  peaks?: number[];
}

type ItemFields = Pick<SearchDocument, 'id' | 'title' | 'tag_names'>;

/** The item as the live index has it, or null when the index does not hold it. */
export async function findIndexedItem(engine: SearchEngine, index: string, identifier: string): Promise<ItemFields | null> {
  const response = await engine.search<ItemFields>(index, {
    q: '',
    filter: `id = ${quote(identifier)}`,
    page: 1,
    hitsPerPage: 1,
    attributesToRetrieve: ['id', 'title', 'tag_names'],
  });
  return response.hits[0] ?? null;
}

/**
 * At most this many searches per related request. Each round makes the next term the
 * mandatory one; most items fill their 10 in the first round.
 */
export const MAX_RELATED_ROUNDS = 5;

/**
 * Up to 10 works like `identifier`, in the Openverse envelope with `page_count` 1 and
 * `page_size` 10 (§7.2 step 4); null when the live index does not hold the item.
 *
 * Meilisearch's `last` matching strategy drops query words from the end until enough
 * documents match, so every hit of a search holds its first word. Round 1 searches all
 * terms: works with the first term, those sharing most of the others first. When that
 * leaves places free, it found every work with the first term, and round 2 searches
 * from the second term on, excluding what was found; and so on. The rounds' totals are
 * therefore disjoint and add up to `result_count`.
 */
export async function relatedMedia(mediaType: MediaType, identifier: string, ctx: RelatedContext): Promise<SearchEnvelope | null> {
  const index = liveIndexName(mediaType, ctx.indexPrefix);
  const item = await findIndexedItem(ctx.engine, index, identifier);
  if (!item) return null;
  const terms = relatedTerms(item.title, item.tag_names ?? []);
  const hits: SearchDocument[] = [];
  const excluded = [identifier];
  let total = 0;
  for (let round = 0; round < Math.min(terms.length, MAX_RELATED_ROUNDS) && hits.length < RELATED_PAGE_SIZE; round++) {
    const request: MeiliSearchRequest = {
      q: terms.slice(round).join(' '),
      attributesToSearchOn: RELATED_FIELDS,
      matchingStrategy: 'last',
      filter: [HIDE_SENSITIVE_FILTER, `id NOT IN [${excluded.map(quote).join(', ')}]`],
      page: 1,
      hitsPerPage: RELATED_PAGE_SIZE - hits.length,
      attributesToRetrieve: [...RESULT_FIELDS[mediaType]],
    };
    const response = await ctx.engine.search<SearchDocument>(index, request);
    total += response.totalHits ?? response.estimatedTotalHits ?? response.hits.length;
    for (const hit of response.hits) {
      hits.push(hit);
      excluded.push(hit.id);
    }
  }
  const results = hits.map((hit) =>
    mediaResult(mediaType, hit as unknown as MediaRecord, { baseUrl: ctx.baseUrl, fieldsMatched: [], peaks: ctx.peaks }),
  );
  // §7.2 step 4: counted as search counts (§3.3), but always one page. An item without
  // usable words has no related works (an empty query would list the whole catalog).
  return { ...envelope(total, 1, RELATED_PAGE_SIZE, results), page_count: 1 };
}
