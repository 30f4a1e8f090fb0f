/**
 * Bulk export reads (issue #18): pages of a media table in identifier order (keyset,
 * so each page is an index range scan however deep), filtered by validated values only
 * (drizzle parameterises every one), and the per-key daily row meter.
 */
import { and, asc, eq, gt, inArray, notInArray, sql, type SQL } from 'drizzle-orm';
import { audio, audioset, exportUsage, image } from '../../drizzle/schema.js';
import type { MediaRecord, MediaType } from '../../model/record.js';
import { audioRecordFromRow, imageRecordFromRow, type Database } from './media.js';

/** The filters an export takes: those that are plain columns of the media tables. */
export interface ExportFilter {
  licenses: readonly string[] | null;
  source?: string[];
  excludedSource?: string[];
  category?: string[];
  /** Include mature works and works with sensitive text (hidden by default, as in search). */
  includeSensitive: boolean;
}

function conditions(table: typeof image | typeof audio, filter: ExportFilter, after: string | null): SQL | undefined {
  const where: (SQL | undefined)[] = [];
  if (after) where.push(gt(table.identifier, after));
  // An empty licence intersection matches nothing, as in search.
  if (filter.licenses) where.push(filter.licenses.length ? inArray(sql`lower(${table.license})`, [...filter.licenses]) : sql`false`);
  if (filter.source) where.push(inArray(table.source, filter.source));
  if (filter.excludedSource) where.push(notInArray(table.source, filter.excludedSource));
  if (filter.category) where.push(inArray(table.category, filter.category));
  if (!filter.includeSensitive) where.push(eq(table.mature, false), eq(table.sensitive_text, false));
  return and(...where);
}

/** Up to `limit` records after `after` (exclusive) in identifier order. */
export async function exportPage(
  db: Database,
  mediaType: MediaType,
  filter: ExportFilter,
  after: string | null,
  limit: number,
): Promise<MediaRecord[]> {
  if (mediaType === 'image') {
    const rows = await db
      .select()
      .from(image)
      .where(conditions(image, filter, after))
      .orderBy(asc(image.identifier))
      .limit(limit);
    return rows.map(imageRecordFromRow);
  }
  const rows = await db
    .select()
    .from(audio)
    .leftJoin(audioset, and(eq(audioset.foreign_identifier, audio.audio_set_foreign_identifier), eq(audioset.provider, audio.provider)))
    .where(conditions(audio, filter, after))
    .orderBy(asc(audio.identifier))
    .limit(limit);
  return rows.map((r) => audioRecordFromRow(r.audio, r.audioset));
}

const today = sql`(now() at time zone 'utc')::date`;

/** Rows a key has exported today (UTC). */
export async function exportedToday(db: Database, clientId: string): Promise<number> {
  const [row] = await db
    .select({ rows: exportUsage.rows })
    .from(exportUsage)
    .where(and(eq(exportUsage.client_id, clientId), eq(exportUsage.day, today)));
  return row?.rows ?? 0;
}

/**
 * Charges `rows` to a key's day and answers how many of them fit in `budget`. One
 * atomic upsert: concurrent exports of a key are each granted only what the ones
 * charged before them left (the counter may pass the budget; what is granted never does).
 */
export async function chargeExport(
  db: Database,
  clientId: string,
  rows: number,
  budget: number,
): Promise<{ granted: number; used: number }> {
  const [row] = await db
    .insert(exportUsage)
    .values({ client_id: clientId, day: today, rows })
    .onConflictDoUpdate({ target: [exportUsage.client_id, exportUsage.day], set: { rows: sql`${exportUsage.rows} + ${rows}` } })
    .returning({ used: exportUsage.rows });
  const over = Math.max(0, row.used - budget);
  return { granted: Math.max(0, rows - over), used: Math.min(row.used, budget) };
}
