/**
 * Crash recovery: every refresh, update and rollback starts here, so a run finds the
 * state a killed one left and finishes or undoes it first.
 */
import type pg from 'pg';
import type { MediaType } from '../../model/record.js';
import { liveIndexName } from '../../model/search-index.js';
import type { MeiliAdmin } from '../meili-admin.js';
import { dropStagingTables, stagingExists } from '../pipeline/load-postgres.js';
import { completeRollback, dropBuildIndexes, promoteTables } from './promote.js';
import { clearPending, readGeneration } from './records.js';

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
export async function recover(api: pg.ClientBase, meili: MeiliAdmin, mediaType: MediaType, prefix: string): Promise<Recovery> {
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
      await promoteTables(api, mediaType, {
        generation: row.generation + 1,
        live,
        previousIndex: hadLive ? target : null,
        previousGeneration: hadLive ? row.generation : null,
        documentCount: count,
        updatedThrough: row.pending_since,
      });
      outcome = 'completed';
    } else {
      // Swapped but nothing to promote with it: put the index back before forgetting.
      if (swapped && !wasRollback) await meili.swap(target, live);
      await clearPending(api, mediaType);
      outcome = 'undone';
    }
  }
  await dropStagingTables(api, mediaType);
  await dropBuildIndexes(meili, live, (await readGeneration(api, mediaType))?.previous_index);
  return outcome;
}
