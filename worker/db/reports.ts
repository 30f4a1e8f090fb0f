/**
 * Content reports and the moderation lists (sensitive, deleted) in Postgres.
 */
import { and, eq, sql } from 'drizzle-orm';
import { audio, contentReport, image } from '../../drizzle/schema.js';
import type { MediaType } from '../../model/record.js';
import type { Database } from './media.js';

export const REPORT_REASONS = ['mature', 'dmca', 'other'] as const;
export type ReportReason = (typeof REPORT_REASONS)[number];

export async function mediaExists(db: Database, mediaType: MediaType, identifier: string): Promise<boolean> {
  const table = mediaType === 'image' ? image : audio;
  const rows = await db.select({ id: table.identifier }).from(table).where(eq(table.identifier, identifier)).limit(1);
  return rows.length > 0;
}

/**
 * Files a report. A repeat of a pending report (same item, reason and description) is
 * not filed twice: moderators see one entry, the reporter gets the same answer.
 */
export async function fileReport(
  db: Database,
  report: { media_type: MediaType; identifier: string; reason: ReportReason; description: string | null },
): Promise<void> {
  const pending = await db
    .select({ id: contentReport.id })
    .from(contentReport)
    .where(
      and(
        eq(contentReport.media_type, report.media_type),
        eq(contentReport.identifier, report.identifier),
        eq(contentReport.reason, report.reason),
        eq(contentReport.status, 'pending_review'),
        sql`${contentReport.description} is not distinct from ${report.description}`,
      ),
    )
    .limit(1);
  if (pending.length) return;
  await db.insert(contentReport).values(report);
}
