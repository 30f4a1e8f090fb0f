/**
 * Rollback: the previous generation (kept in `<index>__<n>` and `<table>_prev`) becomes
 * live again, and the rolled-back one takes its place, so a second rollback undoes the
 * first. One index swap and one table exchange, like a promotion.
 */
import type pg from 'pg';
import type { MediaType } from '../../model/record.js';
import { liveIndexName } from '../../model/search-index.js';
import { IngestError } from '../errors.js';
import type { MeiliAdmin } from '../meili-admin.js';
import { completeRollback } from './promote.js';
import { clearPending, markPending, readGeneration } from './records.js';
import { recover } from './recover.js';

export interface RollbackResult {
  mediaType: MediaType;
  from: number;
  to: number;
  documents: number;
}

export async function rollback(opts: {
  api: pg.ClientBase;
  meili: MeiliAdmin;
  mediaType: MediaType;
  indexPrefix?: string;
}): Promise<RollbackResult> {
  const { api, meili, mediaType } = opts;
  const prefix = opts.indexPrefix ?? '';
  const live = liveIndexName(mediaType, prefix);
  await recover(api, meili, mediaType, prefix);
  const row = await readGeneration(api, mediaType);
  if (!row?.previous_index || row.previous_generation === null || !(await meili.indexExists(row.previous_index))) {
    throw new IngestError(`no previous ${mediaType} generation is kept: nothing to roll back to`);
  }
  const kept = row.previous_index;
  await markPending(api, mediaType, live, kept);
  await meili.swap(kept, live);
  try {
    await completeRollback(api, meili, row, live);
  } catch (err) {
    // Put the index back so index and tables agree again. If the database is down, the
    // pending mark stays and the next run sees an even number of swaps: undone.
    await meili.swap(kept, live).catch(() => {});
    await clearPending(api, mediaType).catch(() => {});
    throw err;
  }
  return { mediaType, from: row.generation, to: row.previous_generation, documents: await meili.documentCount(live) };
}
