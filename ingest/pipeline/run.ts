/**
 * The pipeline a refresh and an update share: batches of catalog rows → clean →
 * load Postgres → serialise → push to Meilisearch, one batch at a time (the push's
 * in-flight window is the backpressure on the read loop). A refresh loads into the
 * staging tables and a new index; an update into the live ones, where rows removed
 * from source or on the deleted list are also deleted. Documents go to the placement's
 * nodes: on a network, each to the nodes of its shard.
 */
import type pg from 'pg';
import type { CatalogRow, SkipReason } from '../../model/catalog-row.js';
import type { ImageRecord, MediaType } from '../../model/record.js';
import type { TermMatcher } from '../../model/sensitive-terms.js';
import { storedColors } from '../colors/stored-colors.js';
import { IngestError } from '../errors.js';
import type { Placement } from '../shards/placement.js';
import { PlacementPusher } from '../shards/pushers.js';
import type { ProgressTracker } from '../tasks/progress.js';
import { cleanBatch, countSkip, type SkippedRow } from './clean.js';
import type { MediaRecord } from '../../model/record.js';
import { lockChangeLog, recordChanges } from '../generations/changes.js';
import { withTransaction } from '../transaction.js';
import { loadRecords } from './load-postgres.js';
import { documentLine } from './serialise.js';

export interface PipelineOptions {
  /** Names the run in the abort message (`refresh aborted`). */
  task: 'refresh' | 'update';
  mediaType: MediaType;
  api: pg.ClientBase;
  /** The index the documents go to, and its nodes. */
  target: Placement;
  /** false: staging tables (a refresh); true: live tables, removals applied (an update). */
  live: boolean;
  isSensitiveText: TermMatcher;
  /** Payload size and tasks in flight of the push stage (`DocumentPusher`'s defaults when absent). */
  batchBytes?: number;
  maxInFlight?: number;
  progress: ProgressTracker;
  signal?: AbortSignal;
}

export interface PipelineStats {
  read: number;
  loaded: number;
  indexed: number;
  skipped: number;
  skippedByReason: Partial<Record<SkipReason, number>>;
  skippedSample: SkippedRow[];
  /** Identifiers deleted from the live data (updates only). */
  removed: number;
  /** Rows loaded per source. */
  sources: Map<string, number>;
}

/** Runs every batch through the stages and waits until Meilisearch indexed the last one. */
export async function runPipeline(batches: AsyncIterable<CatalogRow[]>, opts: PipelineOptions): Promise<PipelineStats> {
  const stats: PipelineStats = {
    read: 0,
    loaded: 0,
    indexed: 0,
    skipped: 0,
    skippedByReason: {},
    skippedSample: [],
    removed: 0,
    sources: new Map(),
  };
  const pusher: PlacementPusher = new PlacementPusher(opts.target, {
    batchBytes: opts.batchBytes,
    maxInFlight: opts.maxInFlight,
    onIndexed: (indexed) => {
      stats.indexed = indexed;
      // A line per shard on a network; one node keeps its one line.
      opts.progress.update(opts.target.layout ? { indexed, shards: pusher.shards() } : { indexed });
    },
  });
  try {
    await pushAll(batches, opts, stats, pusher);
  } catch (err) {
    // Nothing may still be uploading when the caller cleans up after this failure.
    await pusher.settle();
    throw err;
  }
  return stats;
}

async function pushAll(
  batches: AsyncIterable<CatalogRow[]>,
  opts: PipelineOptions,
  stats: PipelineStats,
  pusher: PlacementPusher,
): Promise<void> {
  const { api, mediaType, progress } = opts;
  for await (const rows of batches) {
    if (opts.signal?.aborted) throw new IngestError(`${opts.task} aborted`);
    const batch = await cleanBatch(api, mediaType, rows, opts.isSensitiveText);
    for (const row of batch.skipped) {
      // An update deletes these (counted as removed); a refresh just leaves them out.
      if (opts.live && (row.reason === 'removed_from_source' || row.reason === 'deleted')) continue;
      countSkip(stats, row);
    }
    for (const record of batch.records) {
      if (record.source) stats.sources.set(record.source, (stats.sources.get(record.source) ?? 0) + 1);
    }
    stats.read += rows.length;
    stats.loaded += opts.live ? await loadLive(api, mediaType, batch.records) : await loadRecords(api, mediaType, batch.records);
    // Images carry the dominant colours the colour job stored (one query per batch).
    const colors = mediaType === 'image' ? await storedColors(api, batch.records as ImageRecord[]) : null;
    for (const record of batch.records)
      await pusher.add(record.identifier, documentLine(mediaType, record, colors?.get(record.identifier)));
    if (opts.live && batch.removals.length) {
      await removeLive(api, mediaType, batch.removals);
      await pusher.remove(batch.removals);
      stats.removed += batch.removals.length;
    }
    progress.update({ read: stats.read, loaded: stats.loaded, skipped: stats.skipped });
  }
  await pusher.finish();
}

/** An update's batch into the live tables, its ids in the change feed (added or updated), in one transaction. */
async function loadLive(api: pg.ClientBase, mediaType: MediaType, records: MediaRecord[]): Promise<number> {
  return withTransaction(api, async () => {
    await lockChangeLog(api, mediaType);
    const ids = [...new Set(records.map((r) => r.identifier))];
    const { rows } = await api.query<{ id: string }>(`select identifier::text as id from ${mediaType} where identifier = any($1::uuid[])`, [
      ids,
    ]);
    const existing = new Set(rows.map((r) => r.id));
    const loaded = await loadRecords(api, mediaType, records, { live: true });
    await recordChanges(
      api,
      mediaType,
      'a',
      ids.filter((id) => !existing.has(id)),
    );
    await recordChanges(
      api,
      mediaType,
      'u',
      ids.filter((id) => existing.has(id)),
    );
    return loaded;
  });
}

/** Deletes an update's removals from the live table; those that were there go to the change feed. */
async function removeLive(api: pg.ClientBase, mediaType: MediaType, ids: string[]): Promise<void> {
  await withTransaction(api, async () => {
    await lockChangeLog(api, mediaType);
    const { rows } = await api.query<{ id: string }>(
      `delete from ${mediaType} where identifier = any($1::uuid[]) returning identifier::text as id`,
      [ids],
    );
    await recordChanges(
      api,
      mediaType,
      'r',
      rows.map((r) => r.id),
    );
  });
}
