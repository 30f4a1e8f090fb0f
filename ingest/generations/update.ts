/**
 * Incremental update of the live generation: upstream rows changed since the last run
 * are upserted into the live tables and index; rows removed from source or on the
 * deleted list are removed from both. No rebuild, no swap.
 */
import type pg from 'pg';
import { toDocument } from '../../model/document.js';
import type { MediaType } from '../../model/record.js';
import { liveIndexName } from '../../model/search-index.js';
import { readGeneration, recover } from './records.js';
import { cleanBatch, countSkip } from '../pipeline/clean.js';
import type { MeiliAdmin } from '../meili-admin.js';
import { loadRecords } from '../pipeline/load-postgres.js';
import { DocumentPusher } from '../pipeline/push.js';
import { ProgressTracker, type ProgressListener } from '../tasks/progress.js';
import { RefreshError, type RefreshStats } from './refresh.js';
import type { CatalogSource } from '../sources/source.js';
import { sensitiveTextMatcher } from '../pipeline/clean.js';

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
    throw new RefreshError(`no live ${mediaType} generation to update: run \`npm run ingest -- refresh --media ${mediaType}\` first`);
  }
  const since = current.updated_through ?? '1970-01-01T00:00:00Z';
  const startedAt = (await api.query<{ now: string }>('select now()::text as now')).rows[0].now;
  const source = opts.source(since);
  const progress = new ProgressTracker(await source.count(), opts.onProgress);
  const isSensitiveText = await sensitiveTextMatcher();
  const stats: UpdateStats = {
    mediaType, generation: current.generation, index: live, read: 0, loaded: 0, indexed: 0, skipped: 0,
    skippedByReason: {}, skippedSample: [], durationSeconds: 0, removed: 0, since,
  };
  const pusher = new DocumentPusher(meili, live, {
    batchBytes: opts.batchBytes,
    maxInFlight: opts.maxInFlight,
    onDone: ({ indexed }) => {
      stats.indexed += indexed;
      progress.update({ indexed: stats.indexed });
    },
  });
  for await (const rows of source.batches()) {
    if (opts.signal?.aborted) throw new RefreshError('update aborted');
    const batch = await cleanBatch(api, mediaType, rows, isSensitiveText);
    for (const row of batch.skipped) if (row.reason !== 'removed_from_source' && row.reason !== 'deleted') countSkip(stats, row);
    stats.read += rows.length;
    stats.loaded += await loadRecords(api, mediaType, batch.records, { live: true });
    for (const record of batch.records) await pusher.add(JSON.stringify(toDocument(mediaType, record)));
    if (batch.removals.length) {
      await api.query(`delete from ${mediaType} where identifier = any($1::uuid[])`, [batch.removals]);
      await pusher.remove(batch.removals);
      stats.removed += batch.removals.length;
    }
    progress.update({ read: stats.read, loaded: stats.loaded, skipped: stats.skipped });
  }
  await pusher.finish();
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
