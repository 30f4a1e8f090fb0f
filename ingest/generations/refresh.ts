/**
 * Full data refresh of one media type: upstream → cleaned records → staging tables and
 * a new Meilisearch index (on one node, or on every shard of a network: each document
 * on its shard's nodes) → checks → atomic promotion. Nothing served changes before the
 * promotion; a failure leaves the live tables and index as they were.
 */
import type pg from 'pg';
import type { SkipReason } from '../../model/catalog-row.js';
import type { MediaType } from '../../model/record.js';
import { indexSettings } from '../../model/search-index.js';
import { reapplyColors } from '../colors/stored-colors.js';
import { reapplyModeration } from '../moderation/moderation.js';
import { sensitiveTextMatcher, type SkippedRow } from '../pipeline/clean.js';
import { createStagingTables } from '../pipeline/load-postgres.js';
import { runPipeline } from '../pipeline/run.js';
import { createOnEveryNode } from '../shards/placement.js';
import type { CatalogSource } from '../sources/source.js';
import { ProgressTracker, type ProgressListener } from '../tasks/progress.js';
import { checkBeforePromotion } from './checks.js';
import { generationLayout, type LayoutOptions } from './layout.js';
import { readGeneration } from './records.js';

export interface RefreshOptions extends LayoutOptions {
  /** Where catalog rows come from (upstream Postgres, files, or several chained). */
  source: CatalogSource;
  /** Connection to the API database. */
  api: pg.ClientBase;
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
  /** The served index: the alias on one node, the generation's index on a network. */
  index: string;
  /** On a network: the node names of each shard of the generation. */
  shards?: string[][];
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
  const { mediaType, api } = opts;
  const layout = generationLayout(opts);
  // Finish or undo whatever a crashed run left, so this one starts clean.
  await layout.recover(api);
  const current = await readGeneration(api, mediaType);
  // Never reuse a number (after a rollback the rolled-back one is higher): cache keys
  // carry the generation.
  const generation = Math.max(current?.generation ?? 0, current?.previous_generation ?? 0) + 1;
  const target = layout.build(generation);
  const startedAt = (await api.query<{ now: string }>('select now()::text as now')).rows[0].now;

  const total = await opts.source.count();
  const progress = new ProgressTracker(total, opts.onProgress);
  const isSensitiveText = await sensitiveTextMatcher();

  // A leftover of a killed run is discarded: reruns start clean.
  await createOnEveryNode(target, indexSettings(mediaType));
  await createStagingTables(api, mediaType);

  let stats: RefreshStats;
  try {
    const counts = await runPipeline(opts.source.batches(), {
      task: 'refresh',
      mediaType,
      api,
      target,
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
      index: target.index,
      read: counts.read,
      loaded: counts.loaded,
      indexed: counts.indexed,
      skipped: counts.skipped,
      skippedByReason: counts.skippedByReason,
      skippedSample: counts.skippedSample,
      durationSeconds: 0,
    };

    progress.update({ phase: 'checking' }, true);
    await checkBeforePromotion(api, target, mediaType);

    // Moderation decided while this refresh ran applies to the new generation too.
    await reapplyModeration(api, target, mediaType, startedAt);
    // So do colours the colour job stored meanwhile (its live update went to the old one).
    if (mediaType === 'image') await reapplyColors(api, target, startedAt);

    progress.update({ phase: 'promoting' }, true);
    const live = await layout.promote(api, {
      target,
      generation,
      current,
      documentCount: stats.indexed,
      updatedThrough: startedAt,
      sources: counts.sources,
    });
    stats.index = live.index;
    if (live.shards) stats.shards = live.shards;
  } catch (err) {
    // Before the switch this undoes everything; after it, recovery completes the
    // promotion (or, if that fails too, the next run does: the staging tables are left
    // for it) and drops what the switch left behind.
    await layout.recover(api).catch(() => {});
    throw err;
  }
  stats.durationSeconds = (Date.now() - started) / 1000;
  progress.update({ phase: 'done' }, true);
  return stats;
}
