/**
 * Full data refresh of one media type: upstream → cleaned records → staging tables and
 * a new Meilisearch index → checks → atomic promotion. Nothing served changes before
 * the promotion; a failure leaves the live tables and index as they were.
 */
import type pg from 'pg';
import type { SkipReason } from '../../model/catalog-row.js';
import { toDocument } from '../../model/document.js';
import type { MediaType } from '../../model/record.js';
import { generationIndexName, indexSettings, liveIndexName } from '../../model/search-index.js';
import { MeiliAdmin } from '../meili-admin.js';
import { reapplyModeration } from '../moderation/moderation.js';
import { markPending, readGeneration, recordPromotion, recover } from './records.js';
import { countStaging, createStagingTables, loadRecords, swapTables } from '../pipeline/load-postgres.js';
import { ProgressTracker, type ProgressListener } from '../tasks/progress.js';
import type { CatalogSource } from '../sources/source.js';
import { sensitiveTextMatcher } from '../pipeline/clean.js';
import { cleanBatch, countSkip, type SkippedRow } from '../pipeline/clean.js';
import { settingsDiffer } from './checks.js';
import { upsertSources } from '../pipeline/load-postgres.js';
import { DocumentPusher } from '../pipeline/push.js';

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

export class RefreshError extends Error {
  override name = 'RefreshError';
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
  const stats: RefreshStats = {
    mediaType, generation, index: live, read: 0, loaded: 0, indexed: 0, skipped: 0,
    skippedByReason: {}, skippedSample: [], durationSeconds: 0,
  };

  // A leftover of a killed run is discarded: reruns start clean.
  await meili.deleteIndex(target);
  await meili.createIndex(target, indexSettings(mediaType));
  await createStagingTables(api, mediaType);

  const pusher = new DocumentPusher(meili, target, {
    batchBytes: opts.batchBytes,
    maxInFlight: opts.maxInFlight,
    onDone: ({ indexed }) => {
      stats.indexed += indexed;
      progress.update({ indexed: stats.indexed });
    },
  });
  const sources = new Map<string, number>();

  try {
    for await (const rows of opts.source.batches()) {
      if (opts.signal?.aborted) throw new RefreshError('refresh aborted');
      const batch = await cleanBatch(api, mediaType, rows, isSensitiveText);
      for (const row of batch.skipped) countSkip(stats, row);
      const records = batch.records;
      for (const record of records) {
        if (record.source) sources.set(record.source, (sources.get(record.source) ?? 0) + 1);
      }
      stats.read += rows.length;
      stats.loaded += await loadRecords(api, mediaType, records);
      for (const record of records) await pusher.add(JSON.stringify(toDocument(mediaType, record)));
      progress.update({ read: stats.read, loaded: stats.loaded, skipped: stats.skipped });
    }
    await pusher.finish();

    progress.update({ phase: 'checking' }, true);
    await checkBeforePromotion(opts, target, mediaType);

    // Moderation decided while this refresh ran applies to the new generation too.
    await reapplyModeration(api, meili, mediaType, target, startedAt);

    progress.update({ phase: 'promoting' }, true);
    const hasLive = (current?.generation ?? 0) > 0 && (await meili.indexExists(live));
    // (1) Committed before the swap, so a crash after it is found and completed.
    await markPending(api, mediaType, live, target);
    // (2) Atomic in Meilisearch; the first generation is renamed into place.
    await meili.swap(target, live, !hasLive);
    // (3) Tables, sources and the generation record in one transaction.
    await api.query('begin');
    try {
      await swapTables(api, mediaType);
      await upsertSources(api, mediaType, sources);
      await recordPromotion(api, mediaType, {
        generation,
        live,
        previousIndex: hasLive ? target : null,
        previousGeneration: hasLive ? current!.generation : null,
        documentCount: stats.indexed,
        updatedThrough: startedAt,
      });
      await api.query('commit');
    } catch (err) {
      await api.query('rollback').catch(() => {});
      throw err;
    }
    // Keep exactly one previous generation (now in `target`) for rollback.
    for (const uid of await meili.listIndexes()) {
      if (uid.startsWith(`${live}__`) && uid !== target) await meili.deleteIndex(uid);
    }
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

/** Count equality, settings and one sample query before anything is promoted. */
async function checkBeforePromotion(opts: RefreshOptions, target: string, mediaType: MediaType): Promise<void> {
  const rows = await countStaging(opts.api, mediaType);
  const docs = await opts.meili.documentCount(target);
  if (rows !== docs) {
    throw new RefreshError(`check failed: ${rows} rows loaded but ${docs} documents indexed in ${target}; nothing was promoted`);
  }
  if (rows === 0) throw new RefreshError(`check failed: the new ${mediaType} index is empty; nothing was promoted`);
  const differing = await settingsDiffer(opts.meili, target, mediaType);
  if (differing.length) {
    throw new RefreshError(`check failed: ${target} has unexpected ${differing.join(', ')}; nothing was promoted`);
  }
  const sample = await opts.api.query<{ title: string | null }>(
    `select title from ${mediaType}_new where title is not null and length(title) > 3 limit 1`,
  );
  const word = sample.rows[0]?.title?.split(/\s+/).find((w) => /^\p{L}{3,}$/u.test(w));
  if (word) {
    const result = await opts.meili.search(target, { q: word, limit: 1 });
    if (result.hits.length === 0) throw new RefreshError(`check failed: sample query "${word}" found nothing in ${target}; nothing was promoted`);
  }
}
