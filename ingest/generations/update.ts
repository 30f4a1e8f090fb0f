/**
 * Incremental update of the live generation: upstream rows changed since the last run
 * are upserted into the live tables and index; rows removed from source or on the
 * deleted list are removed from both. No rebuild, no swap. On a network each change
 * goes to the nodes of its document's shard in the live generation's layout.
 */
import type pg from 'pg';
import { IngestError } from '../errors.js';
import { sensitiveTextMatcher } from '../pipeline/clean.js';
import { runPipeline } from '../pipeline/run.js';
import { countDocuments, pointerOf } from '../shards/placement.js';
import type { CatalogSource } from '../sources/source.js';
import { ProgressTracker, type ProgressListener } from '../tasks/progress.js';
import { generationLayout, type LayoutOptions } from './layout.js';
import { readGeneration } from './records.js';
import type { RefreshStats } from './refresh.js';

export interface UpdateOptions extends LayoutOptions {
  api: pg.ClientBase;
  /** Rows changed since `since` (the caller builds it from `updatedThrough`). */
  source: (since: string) => CatalogSource;
  /** As in a refresh: payload size and tasks in flight (the same pipeline stage). */
  batchBytes?: number;
  maxInFlight?: number;
  onProgress?: ProgressListener;
  signal?: AbortSignal;
}

export interface UpdateStats extends RefreshStats {
  removed: number;
  since: string;
}

export async function update(opts: UpdateOptions): Promise<UpdateStats> {
  const started = Date.now();
  const { api, mediaType } = opts;
  const layout = generationLayout(opts);
  await layout.recover(api);
  const current = await readGeneration(api, mediaType);
  if (!current || current.generation === 0) {
    throw new IngestError(`no live ${mediaType} generation to update: run \`npm run ingest -- refresh --media ${mediaType}\` first`);
  }
  const target = layout.live(current);
  const since = current.updated_through ?? '1970-01-01T00:00:00Z';
  const startedAt = (await api.query<{ now: string }>('select now()::text as now')).rows[0].now;
  const source = opts.source(since);
  const progress = new ProgressTracker(await source.count(), opts.onProgress);
  const isSensitiveText = await sensitiveTextMatcher();
  const counts = await runPipeline(source.batches(), {
    task: 'update',
    mediaType,
    api,
    target,
    live: true,
    isSensitiveText,
    batchBytes: opts.batchBytes,
    maxInFlight: opts.maxInFlight,
    progress,
    signal: opts.signal,
  });
  const stats: UpdateStats = {
    mediaType,
    generation: current.generation,
    index: target.index,
    ...(target.layout ? { shards: target.layout } : {}),
    read: counts.read,
    loaded: counts.loaded,
    indexed: counts.indexed,
    skipped: counts.skipped,
    skippedByReason: counts.skippedByReason,
    skippedSample: counts.skippedSample,
    durationSeconds: 0,
    removed: counts.removed,
    since,
  };
  const documents = await countDocuments(target);
  await api.query('update search_generation set updated_through = $2, document_count = $3 where media_type = $1', [
    mediaType,
    startedAt,
    documents,
  ]);
  await opts.onLive?.(pointerOf(target), current.generation);
  stats.durationSeconds = (Date.now() - started) / 1000;
  progress.update({ phase: 'done' }, true);
  return stats;
}
