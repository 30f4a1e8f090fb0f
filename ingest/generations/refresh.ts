/**
 * Full data refresh of one media type: upstream → cleaned records → staging tables and
 * a new Meilisearch index → checks → atomic promotion. Nothing served changes before
 * the promotion; a failure leaves the live tables and index as they were.
 */
import type pg from 'pg';
import type { SkipReason } from '../../model/catalog-row.js';
import type { MediaType } from '../../model/record.js';
import { generationIndexName, indexSettings, liveIndexName } from '../../model/search-index.js';
import type { MeiliAdmin } from '../meili-admin.js';
import { reapplyModeration } from '../moderation/moderation.js';
import { sensitiveTextMatcher, type SkippedRow } from '../pipeline/clean.js';
import { createStagingTables } from '../pipeline/load-postgres.js';
import { runPipeline } from '../pipeline/run.js';
import type { CatalogSource } from '../sources/source.js';
import { ProgressTracker, type ProgressListener } from '../tasks/progress.js';
import { checkBeforePromotion } from './checks.js';
import { promote } from './promote.js';
import { readGeneration } from './records.js';
import { recover } from './recover.js';

export interface RefreshOptions {
  mediaType: MediaType;
  /** Where catalog rows come from (upstream Postgres, files, or several chained). */
  source: CatalogSource;
  /** Connection to the API database. */
  api: pg.ClientBase;
  meili: MeiliAdmin;
  /** Prefix of index names (tests give each suite its own). */
  indexPrefix?: string;
  /** Target payload size of one Meilisearch batch: few large payloads index fastest. */
  batchBytes?: number;
  /** Meilisearch tasks enqueued and not yet indexed (the backpressure on the read loop). */
  maxInFlight?: number;
  onProgress?: ProgressListener;
  signal?: AbortSignal;
}

export type { SkippedRow };

export interface RefreshStats {
  mediaType: MediaType;
  generation: number;
  index: string;
  read: number;
  loaded: number;
  indexed: number;
  skipped: number;
  skippedByReason: Partial<Record<SkipReason, number>>;
  /** The first skipped rows (ids and reasons); the counts above cover all of them. */
  skippedSample: SkippedRow[];
  durationSeconds: number;
}

export async function refresh(opts: RefreshOptions): Promise<RefreshStats> {
  const started = Date.now();
  const { mediaType, api, meili } = opts;
  const prefix = opts.indexPrefix ?? '';
  const live = liveIndexName(mediaType, prefix);
  // Finish or undo whatever a crashed run left, so this one starts clean.
  await recover(api, meili, mediaType, prefix);
  const current = await readGeneration(api, mediaType);
  // Never reuse a number (after a rollback the rolled-back one is higher): cache keys
  // carry the generation.
  const generation = Math.max(current?.generation ?? 0, current?.previous_generation ?? 0) + 1;
  const target = generationIndexName(mediaType, generation, prefix);
  const startedAt = (await api.query<{ now: string }>('select now()::text as now')).rows[0].now;

  const total = await opts.source.count();
  const progress = new ProgressTracker(total, opts.onProgress);
  const isSensitiveText = await sensitiveTextMatcher();

  // A leftover of a killed run is discarded: reruns start clean.
  await meili.deleteIndex(target);
  await meili.createIndex(target, indexSettings(mediaType));
  await createStagingTables(api, mediaType);

  let stats: RefreshStats;
  try {
    const counts = await runPipeline(opts.source.batches(), {
      task: 'refresh',
      mediaType,
      api,
      meili,
      index: target,
      live: false,
      isSensitiveText,
      batchBytes: opts.batchBytes,
      maxInFlight: opts.maxInFlight,
      progress,
      signal: opts.signal,
    });
    stats = {
      mediaType,
      generation,
      index: live,
      read: counts.read,
      loaded: counts.loaded,
      indexed: counts.indexed,
      skipped: counts.skipped,
      skippedByReason: counts.skippedByReason,
      skippedSample: counts.skippedSample,
      durationSeconds: 0,
    };

    progress.update({ phase: 'checking' }, true);
    await checkBeforePromotion(api, meili, target, mediaType);

    // Moderation decided while this refresh ran applies to the new generation too.
    await reapplyModeration(api, meili, mediaType, target, startedAt);

    progress.update({ phase: 'promoting' }, true);
    await promote(api, meili, {
      mediaType,
      live,
      target,
      generation,
      current,
      documentCount: stats.indexed,
      updatedThrough: startedAt,
      sources: counts.sources,
    });
  } catch (err) {
    // Before the swap this undoes everything; after it, recovery completes the promotion
    // (or, if that fails too, the next run does: the staging tables are left for it).
    await recover(api, meili, mediaType, prefix).catch(() => {});
    throw err;
  }
  stats.durationSeconds = (Date.now() - started) / 1000;
  progress.update({ phase: 'done' }, true);
  return stats;
}
