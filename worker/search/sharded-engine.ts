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
import { Meilisearch, MeilisearchApiError, MeilisearchRequestError } from 'meilisearch';
import { ApiError } from '../errors.js';
import type { LivePointer } from '../../model/search-index.js';
import {
  DEFAULT_SEARCH_TIMEOUT_MS,
  createMeiliClient,
  federationFacets,
  searchError,
  federatedQuery,
  type FederatedMember,
  type FederationOf,
  type MeiliSearchRequest,
  type MeiliSearchResponse,
  type SearchEngine,
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
  hits: (T & { _matchesPosition?: Record<string, unknown>; _federation?: { queriesPosition: number; indexUid: string } })[];
  estimatedTotalHits?: number;
  processingTimeMs: number;
  facetDistribution?: Record<string, Record<string, number>>;
  remoteErrors?: Record<string, unknown>;
}

type Window = { offset: number; limit: number };

/** A request's own paging as a federation window (page 1 of 0 hits: a count only). */
export function windowOf(request: MeiliSearchRequest): Window {
  if (request.hitsPerPage !== undefined) return { offset: ((request.page ?? 1) - 1) * request.hitsPerPage, limit: request.hitsPerPage };
  return { offset: request.offset ?? 0, limit: request.limit ?? 20 };
}

/**
 * Where a served index is searched: its live generation's index, on the chosen node of
 * each of its shards, or (`nodes` null: a generation built on one node) on the
 * coordinator itself.
 */
export interface Placement {
  index: string;
  nodes: string[] | null;
}

/**
 * The federated body of `members` over every shard of their indexes, each shard on its
 * chosen node; `memberOf[i]` is the member of query `i` (a member has one query per shard).
 */
export function networkSearchBody(
  members: FederatedMember[],
  placement: Map<string, Placement>,
  window: Window,
  facets?: Record<string, string[]>,
) {
  const queries: Record<string, unknown>[] = [];
  const memberOf: number[] = [];
  members.forEach(({ index, request, weight }, member) => {
    const { index: real, nodes } = placement.get(index)!;
    for (const remote of nodes ?? [null]) {
      const options = { ...(remote === null ? {} : { remote }), ...(weight === undefined ? {} : { weight }) };
      queries.push({ ...federatedQuery(real, request), federationOptions: options });
      memberOf.push(member);
    }
  });
  const byIndex = facets && Object.fromEntries(Object.entries(facets).map(([served, f]) => [placement.get(served)!.index, f]));
  return { body: { federation: { ...window, ...federationFacets(byIndex) }, queries }, memberOf };
}

/** Names each hit's member (not its shard's query) and that member's served index, as one node does. */
function byMember<T>(response: FederatedResponse<T>, members: FederatedMember[], memberOf?: number[]) {
  for (const hit of response.hits) {
    if (!hit._federation) continue;
    const member = memberOf ? memberOf[hit._federation.queriesPosition] : hit._federation.queriesPosition;
    hit._federation = { ...hit._federation, queriesPosition: member, indexUid: members[member].index };
  }
  return response;
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
  async function federated<T>(body: ReturnType<typeof networkSearchBody>['body']): Promise<FederatedResponse<T>> {
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

  /**
   * Searches every shard of the members' indexes (`pointers`, by served name); retries
   * failed shards on their replicas. Hits name their member (`byMember`).
   */
  async function run<T>(
    members: FederatedMember[],
    pointers: Map<string, LivePointer>,
    window: Window,
    facets?: Record<string, string[]>,
  ): Promise<FederatedResponse<T>> {
    const shards = [...pointers].flatMap(([served, p]) => (p.shards ?? []).map((replicas) => ({ served, replicas })));
    const choice = shards.map(() => 0);
    for (;;) {
      const nodes = shards.map((s, i) => s.replicas[choice[i]]);
      const placement = new Map<string, Placement>(
        [...pointers].map(([served, p]) => [served, { index: p.index, nodes: p.shards ? [] : null }]),
      );
      for (const [i, s] of shards.entries()) placement.get(s.served)!.nodes!.push(nodes[i]);
      const { body, memberOf } = networkSearchBody(members, placement, window, facets);
      const response = byMember(await federated<T>(body), members, memberOf);
      const failed = new Set(Object.keys(response.remoteErrors ?? {}));
      const down = shards.map((_, i) => i).filter((i) => failed.has(nodes[i]));
      if (down.length === 0) return response;
      const retry = down.filter((i) => choice[i] + 1 < shards[i].replicas.length);
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
      for (const i of down) missing.add(shards[i].replicas[0]);
      return response;
    }
  }

  /** The live pointer of every served index the members name. */
  async function pointersOf(members: FederatedMember[]): Promise<Map<string, LivePointer>> {
    const served = [...new Set(members.map((m) => m.index))];
    return new Map(await Promise.all(served.map(async (s) => [s, await opts.resolve(s)] as const)));
  }

  // A generation built on one node (no shards in its pointer) is searched there, on the first coordinator.
  const oneNode = createMeiliClient({ ...opts.coordinators[0], timeoutMs });

  return {
    missing,
    async search<T>(served: string, request: MeiliSearchRequest) {
      const pointer = await opts.resolve(served);
      if (!pointer.shards) return oneNode.search<T>(pointer.index, request);
      const facets = request.facets ? { [served]: request.facets } : undefined;
      const r = await run<T>([{ index: served, request }], new Map([[served, pointer]]), windowOf(request), facets);
      return {
        hits: r.hits,
        // Federation counts like offset/limit paging; a page request reads `totalHits`.
        totalHits: r.estimatedTotalHits,
        estimatedTotalHits: r.estimatedTotalHits,
        processingTimeMs: r.processingTimeMs,
        ...(r.facetDistribution ? { facetDistribution: r.facetDistribution } : {}),
      } as MeiliSearchResponse<T>;
    },
    async searchFederated<T>(members: FederatedMember[], window: Window, facets?: Record<string, string[]>) {
      const pointers = await pointersOf(members);
      if (![...pointers.values()].some((p) => p.shards)) {
        // Every index built on one node: searched there, under its generation's name.
        const real = (served: string) => pointers.get(served)!.index;
        const r = await oneNode.searchFederated<T>(
          members.map((m) => ({ ...m, index: real(m.index) })),
          window,
          facets && Object.fromEntries(Object.entries(facets).map(([served, f]) => [real(served), f])),
        );
        return byMember(r, members) as MeiliSearchResponse<T & FederationOf>;
      }
      const r = await run<T>(members, pointers, window, facets);
      return {
        hits: r.hits,
        estimatedTotalHits: r.estimatedTotalHits,
        processingTimeMs: r.processingTimeMs,
        ...(r.facetDistribution ? { facetDistribution: r.facetDistribution } : {}),
      } as MeiliSearchResponse<T & FederationOf>;
    },
    async shardHealth(served: string) {
      const pointer = await opts.resolve(served);
      if (!pointer.shards) return {};
      // Every node of every shard, once: a count-only query each.
      const placement = new Map([[served, { index: pointer.index, nodes: pointer.shards.flat() }]]);
      const { body } = networkSearchBody([{ index: served, request: { q: '' } }], placement, { offset: 0, limit: 0 });
      const response = await federated<never>(body);
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
