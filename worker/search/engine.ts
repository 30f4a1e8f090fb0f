/**
 * The request's search engine, chosen by configuration: one Meilisearch node
 * (meili.ts), or a Meilisearch network searched through federation (sharded-engine.ts) with
 * the live generation read from its pointer (live-pointer.ts).
 */
import type { Config } from '../env.js';
import type { Database } from '../db/media.js';
import { readLivePointer } from './live-pointer.js';
import { createMeiliClient, type SearchEngine } from './meili.js';
import { createNetworkEngine } from './sharded-engine.js';
import type { MediaType } from '../../model/record.js';
import { liveIndexName } from '../../model/search-index.js';

export function createEngine(
  config: Config,
  deps: { kv?: KVNamespace; db: () => Database; waitUntil?: (p: Promise<unknown>) => void },
): SearchEngine {
  const keys = config.MEILI_SEARCH_KEY;
  const coordinators = config.MEILI_URL.map((url, i) => ({ url, apiKey: keys[i] ?? keys[0] }));
  if (config.MEILI_NETWORK !== 'true') return createMeiliClient({ ...coordinators[0], timeoutMs: config.MEILI_TIMEOUT_MS });
  const mediaOf = new Map<string, MediaType>((['image', 'audio'] as const).map((m) => [liveIndexName(m, config.INDEX_PREFIX), m]));
  return createNetworkEngine({
    coordinators,
    timeoutMs: config.MEILI_TIMEOUT_MS,
    resolve: async (served) => {
      const mediaType = mediaOf.get(served);
      // Only the served names have pointers; anything else is an index name already.
      if (!mediaType) return { index: served, shards: null };
      return readLivePointer({ ...deps, indexPrefix: config.INDEX_PREFIX }, mediaType);
    },
  });
}
