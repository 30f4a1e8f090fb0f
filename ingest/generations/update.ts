/**
 * Incremental update of the live generation: upstream rows changed since the last run
 * are upserted into the live tables and index; rows removed from source or on the
 * deleted list are removed from both. No rebuild, no swap.
 */
import type pg from 'pg';
import type { MediaType } from '../../model/record.js';
import { liveIndexName } from '../../model/search-index.js';
import { IngestError } from '../errors.js';
import type { MeiliAdmin } from '../meili-admin.js';
import { sensitiveTextMatcher } from '../pipeline/clean.js';
import { runPipeline } from '../pipeline/run.js';
import type { CatalogSource } from '../sources/source.js';
import { ProgressTracker, type ProgressListener } from '../tasks/progress.js';
import { readGeneration } from './records.js';
import { recover } from './recover.js';
import type { RefreshStats } from './refresh.js';

export interface UpdateOptions {
  mediaType: MediaType;
  api: pg.ClientBase;
  meili: MeiliAdmin;
  indexPrefix?: string;
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
  const { api, meili, mediaType } = opts;
  const prefix = opts.indexPrefix ?? '';
  const live = liveIndexName(mediaType, prefix);
  await recover(api, meili, mediaType, prefix);
  const current = await readGeneration(api, mediaType);
  if (!current || current.generation === 0) {
    throw new IngestError(`no live ${mediaType} generation to update: run \`npm run ingest -- refresh --media ${mediaType}\` first`);
  }
  const since = current.updated_through ?? '1970-01-01T00:00:00Z';
  const startedAt = (await api.query<{ now: string }>('select now()::text as now')).rows[0].now;
  const source = opts.source(since);
  const progress = new ProgressTracker(await source.count(), opts.onProgress);
  const isSensitiveText = await sensitiveTextMatcher();
  const counts = await runPipeline(source.batches(), {
    task: 'update',
    mediaType,
    api,
    meili,
    index: live,
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
    index: live,
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
  const documents = await meili.documentCount(live);
  await api.query('update search_generation set updated_through = $2, document_count = $3 where media_type = $1', [
    mediaType,
    startedAt,
    documents,
  ]);
  stats.durationSeconds = (Date.now() - started) / 1000;
  progress.update({ phase: 'done' }, true);
  return stats;
}
