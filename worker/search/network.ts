/**
 * The Worker's search engine when the catalog spans a Meilisearch network (issue #14,
 * docs/adr/0007): every search is one federated multi-search sent to one node (the
 * coordinator), with one query per shard (`federationOptions.remote`); the coordinator
 * fans out and merges in the one-node order.
 *
 * - Which index and shards: the live pointer (live-pointer.ts), resolved per served name.
 * - A shard that fails (node down, index missing) is retried once per replica; a shard
 *   still missing leaves the answer partial: `missing` names it, and the services
 *   middleware marks the response and keeps it out of every cache. More than half of
 *   the shards missing is a 503, as is no coordinator answering.
 * - A coordinator that fails (unreachable, 5xx, or its own shard's index missing) is
 *   replaced by the next one in `MEILI_URL`.
 */
import { Meilisearch, MeilisearchApiError, MeilisearchRequestError, type SearchParams } from 'meilisearch';
import { ApiError } from '../errors.js';
import type { LivePointer } from '../../model/search-index.js';
import {
  DEFAULT_SEARCH_TIMEOUT_MS,
  createMeiliClient,
  federationFacets,
  searchError,
  type MeiliSearchRequest,
  type MeiliSearchResponse,
  type SearchEngine,
  type UnionMember,
} from './meili.js';

export interface Coordinator {
  url: string;
  apiKey: string;
}

export interface NetworkEngine extends SearchEngine {
  /** Shards left out of this request's answers (each named by its first node). */
  readonly missing: ReadonlySet<string>;
}

interface FederatedResponse<T> {
  hits: (T & { _matchesPosition?: Record<string, unknown> })[];
  estimatedTotalHits?: number;
  processingTimeMs: number;
  facetDistribution?: Record<string, Record<string, number>>;
  remoteErrors?: Record<string, unknown>;
}

type Window = { offset: number; limit: number };

/** A request's own paging as a federation window (page 1 of 0 hits: a count only). */
function windowOf(request: MeiliSearchRequest): Window {
  if (request.hitsPerPage !== undefined) return { offset: ((request.page ?? 1) - 1) * request.hitsPerPage, limit: request.hitsPerPage };
  return { offset: request.offset ?? 0, limit: request.limit ?? 20 };
}

/** The query of one member on one shard: paging and facets belong to the federation. */
function shardQuery(index: string, request: MeiliSearchRequest, remote: string, weight?: number) {
  const { page: _p, hitsPerPage: _h, offset: _o, limit: _l, facets: _f, ...rest } = request;
  return { indexUid: index, ...(rest as SearchParams), federationOptions: { remote, ...(weight === undefined ? {} : { weight }) } };
}

/** The federated body of `members` over every shard, each shard on its chosen node. */
export function networkSearchBody(index: string, members: UnionMember[], nodes: string[], window: Window, facets?: string[]) {
  const queries = members.flatMap(({ request, weight }) => nodes.map((node) => shardQuery(index, request, node, weight)));
  return {
    federation: { ...window, ...federationFacets(index, facets) },
    queries,
  };
}

export function createNetworkEngine(opts: {
  coordinators: Coordinator[];
  /** The live pointer of a served index name (e.g. `images`). */
  resolve: (served: string) => Promise<LivePointer>;
  timeoutMs?: number;
}): NetworkEngine {
  const timeoutMs = opts.timeoutMs ?? DEFAULT_SEARCH_TIMEOUT_MS;
  const missing = new Set<string>();
  const clients = opts.coordinators.map((c) => new Meilisearch({ host: c.url, apiKey: c.apiKey }));

  /** One federated search, tried on each coordinator in turn. */
  async function federated<T>(body: ReturnType<typeof networkSearchBody>): Promise<FederatedResponse<T>> {
    let last: unknown;
    for (const client of clients) {
      try {
        return (await client.multiSearch(body as never, { signal: AbortSignal.timeout(timeoutMs) })) as unknown as FederatedResponse<T>;
      } catch (err) {
        last = err;
        // A 4xx other than a missing index is a bad request: no other node would take it.
        if (err instanceof MeilisearchApiError && err.response.status < 500 && err.cause?.code !== 'index_not_found') break;
        if (!(err instanceof MeilisearchApiError || err instanceof MeilisearchRequestError)) break;
      }
    }
    throw searchError(last);
  }

  /** Searches every shard of the pointer; retries failed shards on their replicas. */
  async function run<T>(pointer: LivePointer, members: UnionMember[], window: Window, facets?: string[]): Promise<FederatedResponse<T>> {
    const shards = pointer.shards!;
    const choice = shards.map(() => 0);
    for (;;) {
      const nodes = shards.map((s, i) => s[choice[i]]);
      const response = await federated<T>(networkSearchBody(pointer.index, members, nodes, window, facets));
      const failed = new Set(Object.keys(response.remoteErrors ?? {}));
      const down = shards.map((_, i) => i).filter((i) => failed.has(nodes[i]));
      if (down.length === 0) return response;
      const retry = down.filter((i) => choice[i] + 1 < shards[i].length);
      if (retry.length) {
        for (const i of retry) choice[i]++;
        continue;
      }
      if (down.length * 2 > shards.length) {
        throw new ApiError(
          'search_unavailable',
          `The search engine is unavailable (${down.length} of ${shards.length} shards down). Try again shortly.`,
        );
      }
      for (const i of down) missing.add(shards[i][0]);
      return response;
    }
  }

  // A generation built on one node (no shards in its pointer) is searched there, on the first coordinator.
  const oneNode = createMeiliClient({ ...opts.coordinators[0], timeoutMs });

  return {
    missing,
    async search<T>(served: string, request: MeiliSearchRequest) {
      const pointer = await opts.resolve(served);
      if (!pointer.shards) return oneNode.search<T>(pointer.index, request);
      const r = await run<T>(pointer, [{ request }], windowOf(request), request.facets);
      return {
        hits: r.hits,
        // Federation counts like offset/limit paging; a page request reads `totalHits`.
        totalHits: r.estimatedTotalHits,
        estimatedTotalHits: r.estimatedTotalHits,
        processingTimeMs: r.processingTimeMs,
        ...(r.facetDistribution ? { facetDistribution: r.facetDistribution } : {}),
      } as MeiliSearchResponse<T>;
    },
    async searchUnion<T>(served: string, members: UnionMember[], window: Window, facets?: string[]) {
      const pointer = await opts.resolve(served);
      if (!pointer.shards) return oneNode.searchUnion<T>(pointer.index, members, window, facets);
      const r = await run<T>(pointer, members, window, facets);
      return {
        hits: r.hits,
        estimatedTotalHits: r.estimatedTotalHits,
        processingTimeMs: r.processingTimeMs,
        ...(r.facetDistribution ? { facetDistribution: r.facetDistribution } : {}),
      };
    },
    async shardHealth(served: string) {
      const pointer = await opts.resolve(served);
      if (!pointer.shards) return {};
      // Every node of every shard, once: a count-only query each.
      const nodes = pointer.shards.flat();
      const response = await federated<never>(networkSearchBody(pointer.index, [{ request: { q: '' } }], nodes, { offset: 0, limit: 0 }));
      const failed = new Set(Object.keys(response.remoteErrors ?? {}));
      return Object.fromEntries(pointer.shards.map((s) => [s[0], s.some((n) => !failed.has(n))]));
    },
    async healthy() {
      for (const c of opts.coordinators) {
        if (await createMeiliClient({ ...c, timeoutMs }).healthy()) return true;
      }
      return false;
    },
  };
}
