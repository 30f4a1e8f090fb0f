/**
 * Validated search parameters → one Meilisearch search request (§4.1-§4.3). Filter
 * expressions are built only from validated values; every user-supplied string goes
 * through `quote`, so no input can change the expression's structure.
 */
import { SEARCH_LANGUAGES, type SearchLanguage } from '../../model/languages.js';
import { LICENSE_SLUGS, licensesForTypes, type LicenseType } from '../../model/licenses.js';
import type { MediaType } from '../../model/record.js';
import { RESULT_FIELDS } from '../../model/result.js';
import { FIELD_SEARCH, TEXT_FIELDS } from '../../model/search-index.js';
import type { SearchQuery } from '../routes/media/schema.js';
import { engineFacets, type FacetCounts } from './facets.js';
import type { MeiliSearchRequest, MeiliSearchResponse, SearchEngine, UnionMember } from './meili.js';

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

/** The licences `license` and `license_type` allow together; null when neither is given. */
export function licensesAsked(params: Pick<SearchQuery, 'license' | 'license_type'>): readonly string[] | null {
  if (!params.license && !params.license_type) return null;
  let licenses: readonly string[] = params.license ?? LICENSE_SLUGS;
  if (params.license_type) {
    const allowed = licensesForTypes(params.license_type as LicenseType[]);
    licenses = licenses.filter((l) => (allowed as readonly string[]).includes(l));
  }
  return licenses;
}

export function buildFilters(params: SearchQuery, collection?: Collection): string[] {
  const filters: string[] = [];
  if (!params.mature && !params.unstable__include_sensitive_results) filters.push(HIDE_SENSITIVE_FILTER);
  const licenses = licensesAsked(params);
  // An empty intersection matches nothing, as it should.
  if (licenses) filters.push(licenses.length ? anyOf('license', licenses) : 'license IS NULL AND license IS NOT NULL');
  if (params.source) filters.push(anyOf('source', params.source));
  if (params.excluded_source) filters.push(`source NOT IN [${params.excluded_source.map(quote).join(', ')}]`);
  if (params.extension) filters.push(anyOf('extension', params.extension));
  if (params.category) filters.push(anyOf('category', params.category));
  if (params.aspect_ratio) filters.push(anyOf('aspect_ratio', params.aspect_ratio));
  if (params.size) filters.push(anyOf('size', params.size));
  if (params.length) filters.push(anyOf('length', params.length));
  // Palette names only (the schema maps hex colours to names): a dominant colour of the work.
  if (params.color) filters.push(anyOf('color_names', params.color));
  if (collection?.tag !== undefined) filters.push(`tag_names = ${quote(collection.tag)}`);
  if (collection?.source !== undefined) filters.push(`source = ${quote(collection.source)}`);
  if (collection?.creator !== undefined) filters.push(`creator = ${quote(collection.creator)}`);
  return filters;
}

/** What to ask the engine: one request, or a union of requests (`union` holds them all). */
export interface SearchPlan {
  request: MeiliSearchRequest;
  union?: UnionMember[];
  /** Index attributes to count over the whole result set (`facets=`), asked of the engine once per answer. */
  facets?: string[];
}

/** Most requests a field search sends in its one multi-search (term combinations). */
export const MAX_UNION_MEMBERS = 16;
// A work holding every term outranks one holding some (Openverse's OR ranks by how many
// terms match); federation scales each member's ranking score by its weight.
const ALL_TERMS_WEIGHT = 1;
const SOME_TERMS_WEIGHT = 0.9;
/**
 * `language=`: works in other languages (or none detected) keep this share of their
 * score. Scores of matching works in the demo catalog go down to 0.138 (171 queries;
 * bench/RESULTS.md, languages, "how much to weigh"), so at 0.05 every work in the
 * language asked for ranks before the rest; one factor for all keeps their own order.
 */
export const OTHER_LANGUAGES_WEIGHT = 0.05;

/** The words and "quoted phrases" of a field-search value, each once, in order. */
export function fieldTerms(value: string): string[] {
  return [...new Set(value.match(/"[^"]*[^"\s][^"]*"|[^\s"]+/g) ?? [])];
}

/** Every way of taking one term from each list, in order, at most `max` of them. */
function combinations(lists: string[][], max: number): string[][] {
  let out: string[][] = [[]];
  for (const list of lists) {
    out = out.flatMap((prefix) => list.map((term) => [...prefix, term])).slice(0, max);
  }
  return out;
}

/**
 * The text part. `q` searches title, tags and description with every word required.
 * Without `q`, `creator` / `title` / `tags` search their own field as Openverse's
 * `simple_query_string` does (§4.2): any word of a field's value matches (OR), and each
 * field given must match (AND). Meilisearch has no OR, so that is a union: one request
 * with every term (ranked first), and one per combination of one term from each field.
 */
function textPlan(
  params: SearchQuery,
  maxMembers: number,
): {
  text: Pick<MeiliSearchRequest, 'q' | 'attributesToSearchOn' | 'matchingStrategy'>;
  alternatives?: string[][];
} {
  if (params.q !== undefined) return { text: { q: params.q, attributesToSearchOn: TEXT_FIELDS, matchingStrategy: 'all' } };
  const fields = (Object.keys(FIELD_SEARCH) as (keyof typeof FIELD_SEARCH)[]).filter((f) => params[f] !== undefined);
  if (fields.length === 0) return { text: { q: '' } };
  const terms = fields.map((f) => fieldTerms(params[f]!));
  const text = { q: terms.flat().join(' '), attributesToSearchOn: fields.map((f) => FIELD_SEARCH[f]), matchingStrategy: 'all' as const };
  if (terms.every((t) => t.length <= 1)) return { text };
  return { text, alternatives: combinations(terms, maxMembers - 1) };
}

/**
 * `language=`: each member twice, once narrowed to works in the language with `q` read
 * as that language (full weight), once as it was (`OTHER_LANGUAGES_WEIGHT`). A work in
 * both keeps its best score; the total counts each work once.
 */
function preferLanguage(members: UnionMember[], language: SearchLanguage): UnionMember[] {
  const filter = `language = ${quote(language)}`;
  const locales = [SEARCH_LANGUAGES[language]];
  return [
    ...members.map(({ request, weight = 1 }) => ({
      request: { ...request, locales, filter: [request.filter ?? [], filter].flat() },
      weight,
    })),
    ...members.map(({ request, weight = 1 }) => ({ request, weight: weight * OTHER_LANGUAGES_WEIGHT })),
  ];
}

export function buildSearchPlan(mediaType: MediaType, params: SearchQuery, opts: QueryOptions): SearchPlan {
  // `language` doubles the members, so the term combinations get half the room.
  const maxMembers = params.language ? MAX_UNION_MEMBERS / 2 : MAX_UNION_MEMBERS;
  const { text, alternatives } = textPlan(params, maxMembers);
  const request: MeiliSearchRequest = {
    ...text,
    filter: buildFilters(params, opts.collection),
    page: params.page,
    hitsPerPage: params.page_size,
    showMatchesPosition: params.q !== undefined,
    // `colors` is read only when asked for (`colors=true`): other answers stay as they were.
    attributesToRetrieve: [...RESULT_FIELDS[mediaType], ...(params.colors ? ['colors'] : [])],
  };
  if (opts.authenticated && params.unstable__sort_by === 'indexed_on') {
    request.sort = [`indexed_on_ts:${params.unstable__sort_dir}`];
  } else if (opts.collection && params.q === undefined) {
    // A collection without a query is browsed newest first.
    request.sort = ['indexed_on_ts:desc'];
  }
  if (isBrowse(params)) {
    // A browse's order is total (ties broken by id), so cursor paging can resume it.
    request.sort = [request.sort?.[0] ?? 'popularity:desc', 'id:asc'];
    request.attributesToRetrieve!.push(keysetOf(request).field);
  }
  const facets = params.facets?.length ? { facets: engineFacets(params.facets) } : {};
  let union: UnionMember[] | undefined = alternatives && [
    { request, weight: ALL_TERMS_WEIGHT },
    ...alternatives.map((combo) => ({ request: { ...request, q: combo.join(' ') }, weight: SOME_TERMS_WEIGHT })),
  ];
  // Without text there is no score to weigh: a federated merge orders placeholder hits by
  // the custom ranking rule (popularity) or the sort before weights, so `language` would
  // change nothing but the cost (bench/RESULTS.md, languages, "how much to weigh").
  if (params.language && text.q) union = preferLanguage(union ?? [{ request, weight: ALL_TERMS_WEIGHT }], params.language);
  return union ? { request, union, ...facets } : { request, ...facets };
}

/** A request without text: every matching work, in the order of a sort key then id. */
export function isBrowse(params: SearchQuery): boolean {
  return params.q === undefined && (Object.keys(FIELD_SEARCH) as (keyof typeof FIELD_SEARCH)[]).every((f) => params[f] === undefined);
}

/** The sort key of a browse's order (`buildSearchPlan` sorts every browse by it, then by id ascending). */
export function keysetOf(request: MeiliSearchRequest): { field: string; direction: 'asc' | 'desc' } {
  const [field, direction] = (request.sort?.[0] ?? 'popularity:desc').split(':');
  return { field, direction: direction === 'asc' ? 'asc' : 'desc' };
}

/**
 * The keyset filter of a browse: what comes after a work whose sort key is `value` and
 * id is `id` in the browse's order. Both come from a signed cursor; the id is quoted.
 */
export function afterFilter(request: MeiliSearchRequest, value: number, id: string): string {
  const { field, direction } = keysetOf(request);
  const beyond = direction === 'desc' ? '<' : '>';
  return `(${field} ${beyond} ${value} OR (${field} = ${value} AND id > ${quote(id)}))`;
}

export type Window = { page: number; hitsPerPage: number } | { offset: number; limit: number };

/** A window as offset/limit (how federated searches page). */
export function rangeOf(window: Window): { offset: number; limit: number } {
  return 'page' in window ? { offset: (window.page - 1) * window.hitsPerPage, limit: window.hitsPerPage } : window;
}

/** One window of a ranking: its hits, the (capped by the engine) total, and facet counts when asked. */
export interface RankedWindow<H> {
  hits: H[];
  total: number;
  facets?: FacetCounts;
  /**
   * With `filter_dead`: how far the ranking was read for this page (positions from the
   * start) and its last hit read, live or not. A short page consumed all of it.
   */
  scanned?: { count: number; last: H | undefined };
}

/**
 * Runs a plan for one window of its ranking: the hits, the (capped by the engine) total,
 * and the plan's facet counts over the whole result set, in the same engine request.
 */
export async function runPlan<T>(
  engine: SearchEngine,
  index: string,
  plan: SearchPlan,
  window: Window,
): Promise<RankedWindow<MeiliSearchResponse<T>['hits'][number]>> {
  const { page: _p, hitsPerPage: _h, offset: _o, limit: _l, ...rest } = plan.request;
  const facets = plan.facets?.length ? plan.facets : undefined;
  if (!plan.union) {
    const r = await engine.search<T>(index, { ...rest, ...window, ...(facets ? { facets } : {}) });
    return { hits: r.hits, total: r.totalHits ?? r.estimatedTotalHits ?? r.hits.length, ...facetsOf(r, facets) };
  }
  const r = await engine.searchFederated<T>(
    plan.union.map((m) => ({ ...m, index })),
    rangeOf(window),
    facets ? { [index]: facets } : undefined,
  );
  return { hits: r.hits, total: r.estimatedTotalHits ?? r.hits.length, ...facetsOf(r, facets) };
}

/** The counts of an answer that asked for facets (`{}` when nothing matched). */
export function facetsOf(response: { facetDistribution?: FacetCounts }, facets: string[] | undefined): { facets?: FacetCounts } {
  return facets ? { facets: response.facetDistribution ?? {} } : {};
}
