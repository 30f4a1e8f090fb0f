/**
 * The promotion state of each media type (`search_generation`) and crash recovery.
 *
 * A promotion is three steps: (1) commit `pending_index`, (2) swap the Meilisearch
 * indexes (atomic), (3) one transaction swapping the tables, bumping the generation and
 * clearing `pending_index`. A crash between them is found by the next run: if the swap
 * task succeeded the promotion is completed, otherwise undone.
 */
import type pg from 'pg';
import type { MediaType } from '../../model/record.js';
import { liveIndexName } from '../../model/search-index.js';
import type { MeiliAdmin } from '../meili-admin.js';
import { dropStagingTables, exchangePrevious, stagingExists, swapTables } from '../pipeline/load-postgres.js';

export interface GenerationRow {
  media_type: MediaType;
  generation: number;
  live_index: string;
  previous_index: string | null;
  previous_generation: number | null;
  document_count: number;
  updated_through: string | null;
  pending_index: string | null;
  pending_since: string | null;
}

export async function readGeneration(api: pg.ClientBase, mediaType: MediaType): Promise<GenerationRow | null> {
  const { rows } = await api.query<GenerationRow>(
    `select media_type, generation, live_index, previous_index, previous_generation, document_count,
            updated_through::text, pending_index, pending_since::text
       from search_generation where media_type = $1`,
    [mediaType],
  );
  return rows[0] ?? null;
}

export async function markPending(api: pg.ClientBase, mediaType: MediaType, live: string, target: string): Promise<void> {
  await api.query(
    `insert into search_generation (media_type, generation, live_index, document_count, pending_index, pending_since)
     values ($1, 0, $2, 0, $3, now())
     on conflict (media_type) do update set pending_index = excluded.pending_index, pending_since = now()`,
    [mediaType, live, target],
  );
}

export interface PromotionRecord {
  generation: number;
  live: string;
  previousIndex: string | null;
  previousGeneration: number | null;
  documentCount: number;
  updatedThrough: string | null;
}

/** Step 3: call inside the promotion transaction, after the index swap. */
export async function recordPromotion(api: pg.ClientBase, mediaType: MediaType, p: PromotionRecord): Promise<void> {
  await api.query(
    `insert into search_generation (media_type, generation, live_index, previous_index, previous_generation,
        document_count, promoted_at, updated_through, pending_index, pending_since)
     values ($1, $2, $3, $4, $5, $6, now(), $7, null, null)
     on conflict (media_type) do update set generation = excluded.generation, live_index = excluded.live_index,
       previous_index = excluded.previous_index, previous_generation = excluded.previous_generation,
       document_count = excluded.document_count, promoted_at = now(), updated_through = excluded.updated_through,
       pending_index = null, pending_since = null`,
    [mediaType, p.generation, p.live, p.previousIndex, p.previousGeneration, p.documentCount, p.updatedThrough],
  );
}

/**
 * The table side of a rollback, after its index swap: exchange live and previous
 * tables and record the previous generation as live (and this one as previous).
 */
export async function completeRollback(api: pg.ClientBase, meili: MeiliAdmin, row: GenerationRow, live: string): Promise<void> {
  await api.query('begin');
  try {
    await exchangePrevious(api, row.media_type);
    await recordPromotion(api, row.media_type, {
      generation: row.previous_generation ?? row.generation,
      live,
      previousIndex: row.previous_index,
      previousGeneration: row.generation,
      documentCount: await meili.documentCount(live),
      updatedThrough: null,
    });
    await api.query('commit');
  } catch (err) {
    await api.query('rollback').catch(() => {});
    throw err;
  }
}

/**
 * How many times Meilisearch swapped `index` since the promotion was marked pending
 * (queued swaps are waited for first). An odd count means the swap is in effect.
 * The window starts ten minutes early: the database's and the engine's clocks differ.
 */
async function swapsSince(meili: MeiliAdmin, index: string, since: string): Promise<number> {
  const after = new Date(new Date(since).getTime() - 600_000);
  for (const task of await meili.swapTasks(index, ['enqueued', 'processing'], after)) await meili.waitTask(task.uid).catch(() => {});
  return (await meili.swapTasks(index, ['succeeded'], after)).length;
}

export type Recovery = 'none' | 'completed' | 'undone';

/**
 * Brings a media type back to a consistent state after a crash: finishes or undoes an
 * interrupted promotion, then removes half-built leftovers (staging tables, build
 * indexes other than the kept previous generation).
 */
export async function recover(
  api: pg.ClientBase,
  meili: MeiliAdmin,
  mediaType: MediaType,
  prefix: string,
): Promise<Recovery> {
  const live = liveIndexName(mediaType, prefix);
  const row = await readGeneration(api, mediaType);
  let outcome: Recovery = 'none';
  if (row?.pending_index && row.pending_since) {
    const target = row.pending_index;
    const swapped = (await swapsSince(meili, target, row.pending_since)) % 2 === 1;
    const wasRollback = target === row.previous_index;
    if (swapped && wasRollback) {
      await completeRollback(api, meili, row, live);
      outcome = 'completed';
    } else if (swapped && (await stagingExists(api, mediaType))) {
      const hadLive = row.generation > 0;
      const count = await meili.documentCount(live);
      await api.query('begin');
      try {
        await swapTables(api, mediaType);
        await recordPromotion(api, mediaType, {
          generation: row.generation + 1,
          live,
          previousIndex: hadLive ? target : null,
          previousGeneration: hadLive ? row.generation : null,
          documentCount: count,
          updatedThrough: row.pending_since,
        });
        await api.query('commit');
      } catch (err) {
        await api.query('rollback').catch(() => {});
        throw err;
      }
      outcome = 'completed';
    } else {
      // Swapped but nothing to promote with it: put the index back before forgetting.
      if (swapped && !wasRollback) await meili.swap(target, live);
      await api.query('update search_generation set pending_index = null, pending_since = null where media_type = $1', [mediaType]);
      outcome = 'undone';
    }
  }
  await dropStagingTables(api, mediaType);
  const keep = (await readGeneration(api, mediaType))?.previous_index;
  for (const uid of await meili.listIndexes()) {
    if (uid.startsWith(`${live}__`) && uid !== keep) await meili.deleteIndex(uid);
  }
  return outcome;
}
