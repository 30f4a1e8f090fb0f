/**
 * Promotion: a built generation (staging tables and a `<live>__<n>` index) becomes
 * live, in three steps: (1) commit `pending_index`, (2) swap the Meilisearch indexes
 * (atomic), (3) one transaction swapping the tables, bumping the generation and
 * clearing `pending_index`. A crash between them is found by the next run (recover.ts):
 * if the swap task succeeded the promotion is completed, otherwise undone. A rollback
 * is a promotion of the kept previous generation (`completeRollback`).
 */
import type pg from 'pg';
import type { MediaType } from '../../model/record.js';
import type { MeiliAdmin } from '../meili-admin.js';
import { exchangePrevious, previous, staging, swapTables, upsertSources } from '../pipeline/load-postgres.js';
import { lockChangeLog, recordTableDiff } from './changes.js';
import { withTransaction } from '../transaction.js';
import { clearPending, markPending, noPreviousGeneration, recordPromotion, type GenerationRow, type PromotionRecord } from './records.js';

export interface Promotion {
  mediaType: MediaType;
  live: string;
  /** The index built for the new generation. */
  target: string;
  generation: number;
  /** The generation record before this promotion. */
  current: GenerationRow | null;
  documentCount: number;
  updatedThrough: string;
  /** Rows loaded per source: new sources are added to `content_provider`. */
  sources: Map<string, number>;
}

export async function promote(api: pg.ClientBase, meili: MeiliAdmin, p: Promotion): Promise<void> {
  const { mediaType, live, target, current } = p;
  const hasLive = (current?.generation ?? 0) > 0 && (await meili.indexExists(live));
  // (1) Committed before the swap, so a crash after it is found and completed.
  await markPending(api, mediaType, live, target);
  // (2) Atomic in Meilisearch; the first generation is renamed into place.
  await meili.swap(target, live, !hasLive);
  // (3) Tables, sources and the generation record in one transaction.
  await promoteTables(
    api,
    mediaType,
    {
      generation: p.generation,
      live,
      previousIndex: hasLive ? target : null,
      previousGeneration: hasLive ? current!.generation : null,
      documentCount: p.documentCount,
      updatedThrough: p.updatedThrough,
    },
    p.sources,
  );
  // Keep exactly one previous generation (now in `target`) for rollback.
  await dropBuildIndexes(meili, live, target);
}

/** Step 3 of a promotion: staging tables → live, new sources, the generation record. */
export async function promoteTables(
  api: pg.ClientBase,
  mediaType: MediaType,
  record: PromotionRecord,
  sources = new Map<string, number>(),
): Promise<void> {
  await withTransaction(api, async () => {
    await lockChangeLog(api, mediaType);
    // The change feed: what this generation changes (none for the first: mirrors start from an export).
    if (record.previousGeneration !== null) await recordTableDiff(api, mediaType, mediaType, staging(mediaType), record.generation);
    await swapTables(api, mediaType);
    await upsertSources(api, mediaType, sources);
    await recordPromotion(api, mediaType, record);
  });
}

/**
 * The table side of a rollback, after its index swap: exchange live and previous
 * tables and record the previous generation as live (and this one as previous).
 */
export async function completeRollback(api: pg.ClientBase, meili: MeiliAdmin, row: GenerationRow, live: string): Promise<void> {
  await withTransaction(api, async () => {
    await recordRollbackChanges(api, row);
    await exchangePrevious(api, row.media_type);
    await recordPromotion(api, row.media_type, {
      generation: row.previous_generation ?? row.generation,
      live,
      previousIndex: row.previous_index,
      previousGeneration: row.generation,
      documentCount: await meili.documentCount(live),
      updatedThrough: null,
    });
  });
}

/** A rollback appears in the change feed as the changes it makes: the live table replaced by the kept one. */
export async function recordRollbackChanges(api: pg.ClientBase, row: GenerationRow): Promise<void> {
  const table = row.media_type;
  await recordTableDiff(api, table, table, previous(table), row.previous_generation ?? row.generation);
}

/**
 * A rollback on one node: the kept previous generation is swapped back into the served
 * index, then the tables follow (`completeRollback`); a pending mark covers the moment
 * between, as in a promotion. Returns the documents now served.
 */
export async function rollbackAlias(api: pg.ClientBase, meili: MeiliAdmin, row: GenerationRow, live: string): Promise<number> {
  const kept = row.previous_index;
  if (!kept || !(await meili.indexExists(kept))) throw noPreviousGeneration(row.media_type);
  await markPending(api, row.media_type, live, kept);
  await meili.swap(kept, live);
  try {
    await completeRollback(api, meili, row, live);
  } catch (err) {
    // Put the index back so index and tables agree again. If the database is down, the
    // pending mark stays and the next run sees an even number of swaps: undone.
    await meili.swap(kept, live).catch(() => {});
    await clearPending(api, row.media_type).catch(() => {});
    throw err;
  }
  return meili.documentCount(live);
}

/** Deletes the generation indexes of `live` (`<live>__<n>`) except `keep`. */
export async function dropBuildIndexes(meili: MeiliAdmin, live: string, keep: string | null | undefined): Promise<void> {
  for (const uid of await meili.listIndexes()) {
    if (uid.startsWith(`${live}__`) && uid !== keep) await meili.deleteIndex(uid);
  }
}
