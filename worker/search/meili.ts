/**
 * The Worker's Meilisearch engine (search-only key), on the official `meilisearch`
 * client: built per request (no I/O and no setup beyond parsing the URL and the
 * headers), a timeout on every call; the client's errors map once, here, to the
 * 502/503/504 API errors. No other Worker module speaks to Meilisearch.
 */
import { Index, Meilisearch, MeilisearchApiError, MeilisearchRequestError, type Config, type SearchParams } from 'meilisearch';
import { KEYSET_FIELDS, indexSettings } from '../../model/search-index.js';
import { ApiError } from '../errors.js';

export interface MeiliSearchRequest {
  q?: string;
  attributesToSearchOn?: readonly string[];
  matchingStrategy?: 'last' | 'all' | 'frequency';
  filter?: string | string[];
  sort?: string[];
  page?: number;
  hitsPerPage?: number;
  /** Offset paging (estimated totals): the back-fill of dead-link filtering. */
  offset?: number;
  limit?: number;
  showMatchesPosition?: boolean;
  attributesToRetrieve?: string[];
  /** Index attributes to count values of over the whole result set (`facetDistribution`). */
  facets?: string[];
  /** Meilisearch locales the query is tokenized as (`language=`); the engine guesses without. */
  locales?: string[];
}

export interface MeiliSearchResponse<T> {
  hits: (T & { _matchesPosition?: Record<string, unknown> })[];
  totalHits?: number;
  totalPages?: number;
  estimatedTotalHits?: number;
  processingTimeMs: number;
  /** Per attribute of `facets`: documents per value (the index's most frequent 200). */
  facetDistribution?: Record<string, Record<string, number>>;
}

/** One member of a union search and its weight in the merged ranking (default 1). */
export interface UnionMember {
  request: MeiliSearchRequest;
  weight?: number;
}

/** A member of a federated search: a request on a served index (`images`, `audio`). */
export interface FederatedMember extends UnionMember {
  index: string;
}

/** Which member a federated hit came from: its position in the members, and that member's index. */
export interface FederationOf {
  _federation?: { queriesPosition: number; indexUid: string };
}

export interface SearchEngine {
  search<T>(index: string, request: MeiliSearchRequest): Promise<MeiliSearchResponse<T>>;
  /**
   * Several requests, over one index or several, as one ranked list (a federated
   * multi-search): a document matched by several members of its index appears once, at
   * its best weighted score; the total is the estimated number of distinct documents.
   * Paged with `offset`/`limit` only (federation has no exhaustive paging in Meilisearch
   * 1.21). `facets` (per served index) are counted over the distinct documents of the
   * union and merged across indexes, as the total is. Each hit's `_federation` names the
   * member it came from (`queriesPosition`) and that member's `index`.
   */
  searchFederated<T>(
    members: FederatedMember[],
    window: { offset: number; limit: number },
    facets?: Record<string, string[]>,
  ): Promise<MeiliSearchResponse<T & FederationOf>>;
  /** Whether the engine answers its health probe (within `HEALTH_TIMEOUT_MS`); never throws. */
  healthy(): Promise<boolean>;
  /**
   * A network only: whether each shard of the live generation answers (by the name of
   * its first node), for `/healthcheck/`.
   */
  shardHealth?(served: string): Promise<Record<string, boolean>>;
  /** A network's shards left out of this request's answers so far (see sharded-engine.ts). */
  readonly missing?: ReadonlySet<string>;
}

// Under 2 s so a failing engine yields a 503 (or a stale answer) within 2 s.
export const DEFAULT_SEARCH_TIMEOUT_MS = 1500;
/** The health probe's own budget (`/healthcheck/?check_es`), whatever the search timeout. */
const HEALTH_TIMEOUT_MS = 2000;

export function createMeiliClient(opts: { url: string; apiKey: string; timeoutMs?: number }): SearchEngine {
  const config: Config = { host: opts.url, apiKey: opts.apiKey };
  const timeoutMs = opts.timeoutMs ?? DEFAULT_SEARCH_TIMEOUT_MS;
  // One client per index name, made on first use (a request may search an index more than once).
  const indexes = new Map<string, Index>();
  let multi: Meilisearch | undefined;
  return {
    async search<T>(index: string, request: MeiliSearchRequest) {
      let client = indexes.get(index);
      if (!client) indexes.set(index, (client = new Index(config, index)));
      try {
        // The client sends `{ q, ...request }`: the very body `request` is. The timeout is
        // a signal rather than the client's `timeout` option: workerd turns the client's
        // abort reason (a symbol) into a plain Error, so the client cannot tell its own
        // timeout from a network failure there; a TimeoutError reaches us intact.
        return (await client.search(request.q, request as SearchParams, {
          signal: AbortSignal.timeout(timeoutMs),
        })) as unknown as MeiliSearchResponse<T>;
      } catch (err) {
        throw searchError(err);
      }
    },
    async searchFederated<T>(members: FederatedMember[], window: { offset: number; limit: number }, facets?: Record<string, string[]>) {
      multi ??= new Meilisearch(config);
      try {
        // One query per member, in order: `queriesPosition` is already the member's position.
        const response = await multi.multiSearch(federatedSearchBody(members, window, facets), {
          signal: AbortSignal.timeout(timeoutMs),
        });
        return response as unknown as MeiliSearchResponse<T & FederationOf>;
      } catch (err) {
        throw searchError(err);
      }
    },
    healthy() {
      // Any failure is unhealthy here, a timeout included: the client's own timeout will do.
      return new Meilisearch({ ...config, timeout: HEALTH_TIMEOUT_MS }).isHealthy();
    },
  };
}

/** A member's request as a federated query: paging and facets belong to the federation, not to its queries. */
export function federatedQuery(index: string, request: MeiliSearchRequest) {
  const { page: _p, hitsPerPage: _h, offset: _o, limit: _l, facets: _f, ...rest } = request;
  return { indexUid: index, ...(rest as SearchParams) };
}

/** The federated multi-search of `members` on one node, one query each. */
export function federatedSearchBody(
  members: FederatedMember[],
  window: { offset: number; limit: number },
  facets?: Record<string, string[]>,
) {
  const queries = members.map(({ index, request, weight }) => ({
    ...federatedQuery(index, request),
    federationOptions: { weight: weight ?? 1 },
  }));
  return { federation: { offset: window.offset, limit: window.limit, ...federationFacets(facets) }, queries };
}

/** The federated multi-search of a union over one index (also what the benchmark's raw twin sends). */
export function unionSearchBody(index: string, members: UnionMember[], window: { offset: number; limit: number }, facets?: string[]) {
  return federatedSearchBody(
    members.map((m) => ({ ...m, index })),
    window,
    facets?.length ? { [index]: facets } : undefined,
  );
}

/**
 * Facets of a federated search, per index: counted over the union of that index's
 * queries' documents (each document once), then merged by attribute (summed across
 * indexes and across a network's remotes).
 */
export function federationFacets(facets?: Record<string, string[]>) {
  const asked = Object.entries(facets ?? {}).filter(([, f]) => f.length);
  return asked.length ? { facetsByIndex: Object.fromEntries(asked), mergeFacets: {} } : {};
}

/** The client's failures as API errors; anything else (a bug) is rethrown as is. */
/**
 * Whether the engine refused an attribute that today's index settings do support (so
 * the live index was built by an older ingest), rather than one no index has (a bug).
 */
export function predatesSettings(message: string): boolean {
  const attribute = /attribute `([^`]+)`/i.exec(message)?.[1];
  if (!attribute) return false;
  const settings = [indexSettings('image'), indexSettings('audio')];
  if (/is not allowed/.test(message)) return (KEYSET_FIELDS as readonly string[]).includes(attribute);
  if (/is not sortable/.test(message)) return settings.some((s) => s.sortableAttributes.includes(attribute));
  if (/is not filterable/.test(message))
    return settings.some((s) => s.filterableAttributes.some((f) => f.attributePatterns.includes(attribute)));
  return false;
}

export function searchError(err: unknown): unknown {
  if (err instanceof MeilisearchApiError) {
    const status = err.response.status;
    const code = err.cause?.code;
    if (status === 404 && code === 'index_not_found') {
      return new ApiError('search_unavailable', 'The search index is not built yet. Run a data refresh (`npm run ingest -- refresh`).');
    }
    if (status >= 500) return new ApiError('search_unavailable', 'The search engine failed. Try again shortly.');
    // An index built before a feature (colours, languages, cursor keys) lacks its
    // filterable or sortable attribute until the next refresh: the operator's to fix.
    if ((code === 'invalid_search_filter' || code === 'invalid_search_sort') && predatesSettings(err.cause?.message ?? '')) {
      return new ApiError(
        'search_unavailable',
        'The live search index predates this search option: it works after the next data refresh (`npm run ingest -- refresh`).',
      );
    }
    // A 4xx from the engine means the Worker built a bad request: a bug, not the caller's.
    return new ApiError('search_failed', `The search engine rejected the query (${code ?? status}).`);
  }
  if (err instanceof MeilisearchRequestError) {
    const cause = err.cause as Error | undefined;
    if (cause?.name === 'TimeoutError' || cause?.name === 'AbortError') {
      return new ApiError('search_timeout', 'The search engine did not answer in time. Try again shortly.');
    }
    return new ApiError('search_unavailable', 'The search engine is unavailable. Try again shortly.');
  }
  // The client parses every answer as JSON before looking at its status: a body that is
  // not JSON comes from something in front of the engine (a proxy's error page).
  if (err instanceof SyntaxError) return new ApiError('search_unavailable', 'The search engine failed. Try again shortly.');
  return err;
}
