/**
 * Reads of the change feed (`change_log`, written by the ingest; issue #18).
 */
import { and, asc, eq, gt, sql } from 'drizzle-orm';
import { changeHorizon, changeLog } from '../../drizzle/schema.js';
import type { MediaType } from '../../model/record.js';
import type { Database } from './media.js';

export interface ChangeRow {
  seq: number;
  op: 'a' | 'u' | 'r';
  identifier: string;
  generation: number;
  changed_at: string;
}

/** The last `seq` pruned from a media type's feed (0 when nothing was). */
export async function prunedThrough(db: Database, mediaType: MediaType): Promise<number> {
  const [row] = await db.select({ seq: changeHorizon.pruned_through }).from(changeHorizon).where(eq(changeHorizon.media_type, mediaType));
  return row?.seq ?? 0;
}

/** The newest `seq` of a media type's feed: where a reader that starts now begins. */
export async function headSeq(db: Database, mediaType: MediaType): Promise<number> {
  const [row] = await db
    .select({ seq: sql<string | null>`max(${changeLog.seq})` })
    .from(changeLog)
    .where(eq(changeLog.media_type, mediaType));
  return Math.max(Number(row?.seq ?? 0), await prunedThrough(db, mediaType));
}

/** Up to `limit` changes after `seq`, oldest first. */
export async function changesAfter(db: Database, mediaType: MediaType, seq: number, limit: number): Promise<ChangeRow[]> {
  const rows = await db
    .select({
      seq: changeLog.seq,
      op: changeLog.op,
      identifier: changeLog.identifier,
      generation: changeLog.generation,
      changed_at: changeLog.changed_at,
    })
    .from(changeLog)
    .where(and(eq(changeLog.media_type, mediaType), gt(changeLog.seq, seq)))
    .orderBy(asc(changeLog.seq))
    .limit(limit);
  return rows as ChangeRow[];
}
