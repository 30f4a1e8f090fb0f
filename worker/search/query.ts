/**
 * Validated search parameters → one Meilisearch search request (§4.1-§4.3). Filter
 * expressions are built only from validated values; every user-supplied string goes
 * through `quote`, so no input can change the expression's structure.
 */
import { LICENSE_SLUGS, licensesForTypes, type LicenseType } from '../../model/licenses.js';
import type { MediaType } from '../../model/record.js';
import { RESULT_FIELDS } from '../../model/result.js';
import { FIELD_SEARCH, TEXT_FIELDS } from '../../model/search-index.js';
import type { SearchQuery } from '../routes/media/schema.js';
import type { MeiliSearchRequest } from './meili.js';

/** A Meilisearch filter string literal: backslashes and quotes escaped. */
export function quote(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

function anyOf(field: string, values: readonly string[]): string {
  return `${field} IN [${values.map(quote).join(', ')}]`;
}

/** Collection endpoints narrow by an exact tag, source, or source + creator. */
export interface Collection {
  tag?: string;
  source?: string;
  creator?: string;
}

export interface QueryOptions {
  /** Sorting is a privilege of API keys (§8.6); anonymous callers get relevance. */
  authenticated: boolean;
  collection?: Collection;
}

/** What every listing hides unless the caller asks for sensitive results: mature works and sensitive text. */
export const HIDE_SENSITIVE_FILTER = 'mature = false AND sensitive_text = false';

export function buildFilters(params: SearchQuery, collection?: Collection): string[] {
  const filters: string[] = [];
  if (!params.mature && !params.unstable__include_sensitive_results) filters.push(HIDE_SENSITIVE_FILTER);
  if (params.license || params.license_type) {
    let licenses: readonly string[] = params.license ?? LICENSE_SLUGS;
    if (params.license_type) {
      const allowed = licensesForTypes(params.license_type as LicenseType[]);
      licenses = licenses.filter((l) => (allowed as readonly string[]).includes(l));
    }
    // An empty intersection matches nothing, as it should.
    filters.push(licenses.length ? anyOf('license', licenses) : 'license IS NULL AND license IS NOT NULL');
  }
  if (params.source) filters.push(anyOf('source', params.source));
  if (params.excluded_source) filters.push(`source NOT IN [${params.excluded_source.map(quote).join(', ')}]`);
  if (params.extension) filters.push(anyOf('extension', params.extension));
  if (params.category) filters.push(anyOf('category', params.category));
  if (params.aspect_ratio) filters.push(anyOf('aspect_ratio', params.aspect_ratio));
  if (params.size) filters.push(anyOf('size', params.size));
  if (params.length) filters.push(anyOf('length', params.length));
  if (collection?.tag !== undefined) filters.push(`tag_names = ${quote(collection.tag)}`);
  if (collection?.source !== undefined) filters.push(`source = ${quote(collection.source)}`);
  if (collection?.creator !== undefined) filters.push(`creator = ${quote(collection.creator)}`);
  return filters;
}

/**
 * The text part: `q` searches title, tags and description with every word required;
 * without `q`, `creator` / `title` / `tags` search their own field (any word).
 */
function textQuery(params: SearchQuery): Pick<MeiliSearchRequest, 'q' | 'attributesToSearchOn' | 'matchingStrategy'> {
  if (params.q !== undefined) return { q: params.q, attributesToSearchOn: TEXT_FIELDS, matchingStrategy: 'all' };
  const fields = (Object.keys(FIELD_SEARCH) as (keyof typeof FIELD_SEARCH)[]).filter((f) => params[f] !== undefined);
  if (fields.length === 0) return { q: '' };
  return {
    q: fields.map((f) => params[f]).join(' '),
    attributesToSearchOn: fields.map((f) => FIELD_SEARCH[f]),
    matchingStrategy: fields.length > 1 ? 'all' : 'last',
  };
}

export function buildSearchRequest(mediaType: MediaType, params: SearchQuery, opts: QueryOptions): MeiliSearchRequest {
  const request: MeiliSearchRequest = {
    ...textQuery(params),
    filter: buildFilters(params, opts.collection),
    page: params.page,
    hitsPerPage: params.page_size,
    showMatchesPosition: params.q !== undefined,
    attributesToRetrieve: [...RESULT_FIELDS[mediaType]],
  };
  if (opts.authenticated && params.unstable__sort_by === 'indexed_on') {
    request.sort = [`indexed_on_ts:${params.unstable__sort_dir}`];
  } else if (opts.collection && params.q === undefined) {
    // A collection without a query is browsed newest first.
    request.sort = ['indexed_on_ts:desc'];
  }
  return request;
}
