/**
 * Tells the Worker that a media type's data changed, so cached answers of the older
 * generation stop being served (the Worker keeps the generation in KV), and, with
 * `live`, what search now serves: the index and, on a Meilisearch network, the nodes of
 * each shard (the Worker's KV copy of the generation row's pointer).
 */
import type { MediaType } from '../../model/record.js';
import type { IngestConfig } from '../config.js';
import { IngestError } from '../errors.js';
import type { LivePointer } from '../../model/search-index.js';

export async function bumpCacheGeneration(
  config: IngestConfig,
  mediaType: MediaType,
  generation: string,
  live?: LivePointer,
): Promise<'bumped' | 'skipped'> {
  if (!config.workerUrl || !config.workerSecret) return 'skipped';
  try {
    const res = await fetch(`${config.workerUrl.replace(/\/+$/, '')}/internal/cache-generation`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${config.workerSecret}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ media_type: mediaType, generation, live }),
      signal: AbortSignal.timeout(10_000),
    });
    if (!res.ok) throw new IngestError(`HTTP ${res.status}`);
    return 'bumped';
  } catch (err) {
    // The data is live either way; cached answers then expire on their own (minutes).
    console.error(
      JSON.stringify({ level: 'warn', msg: 'cache generation bump failed', media_type: mediaType, error: (err as Error).message }),
    );
    return 'skipped';
  }
}
