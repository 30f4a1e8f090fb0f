/**
 * The Worker's Meilisearch client (search-only key): one fetch per call with a timeout;
 * engine failures map once to 502/503/504 API errors.
 */
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
}

export interface MeiliSearchResponse<T> {
  hits: (T & { _matchesPosition?: Record<string, unknown> })[];
  totalHits?: number;
  totalPages?: number;
  estimatedTotalHits?: number;
  processingTimeMs: number;
}

export interface SearchEngine {
  search<T>(index: string, request: MeiliSearchRequest): Promise<MeiliSearchResponse<T>>;
}

// Under 2 s so a failing engine yields a 503 (or a stale answer) within 2 s.
export const DEFAULT_SEARCH_TIMEOUT_MS = 1500;

export function createMeiliClient(opts: { url: string; apiKey: string; timeoutMs?: number }): SearchEngine {
  const base = opts.url.replace(/\/+$/, '');
  const headers = { Authorization: `Bearer ${opts.apiKey}`, 'Content-Type': 'application/json' };
  const timeoutMs = opts.timeoutMs ?? DEFAULT_SEARCH_TIMEOUT_MS;
  return {
    async search<T>(index: string, request: MeiliSearchRequest) {
      let res: Response;
      try {
        res = await fetch(`${base}/indexes/${encodeURIComponent(index)}/search`, {
          method: 'POST',
          headers,
          body: JSON.stringify(request),
          signal: AbortSignal.timeout(timeoutMs),
        });
      } catch (err) {
        const name = (err as Error).name;
        if (name === 'TimeoutError' || name === 'AbortError') {
          throw new ApiError('search_timeout', 'The search engine did not answer in time. Try again shortly.');
        }
        throw new ApiError('search_unavailable', 'The search engine is unavailable. Try again shortly.');
      }
      if (res.ok) return (await res.json()) as MeiliSearchResponse<T>;
      const body = (await res.json().catch(() => null)) as { code?: string; message?: string } | null;
      if (res.status === 404 && body?.code === 'index_not_found') {
        throw new ApiError('search_unavailable', 'The search index is not built yet. Run a data refresh (`npm run ingest -- refresh`).');
      }
      if (res.status >= 500) throw new ApiError('search_unavailable', 'The search engine failed. Try again shortly.');
      // A 4xx from the engine means the Worker built a bad request: a bug, not the caller's.
      throw new ApiError('search_failed', `The search engine rejected the query (${body?.code ?? res.status}).`);
    },
  };
}
