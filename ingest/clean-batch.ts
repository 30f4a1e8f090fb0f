/**
 * One batch of catalog rows → records to keep, identifiers to remove, rows to skip.
 * The refresh and the incremental update both go through here, so the deleted and
 * sensitive lists and the sensitive-text check apply the same way everywhere.
 */
import type pg from 'pg';
import { cleanRow, type CatalogRow, type SkipReason } from '../model/catalog-row.js';
import type { MediaRecord, MediaType } from '../model/record.js';
import type { TermMatcher } from '../model/sensitive-terms.js';
import { deletedAmong, sensitiveAmong } from './generation.js';

export interface SkippedRow {
  id: string;
  reason: SkipReason;
}

export interface CleanBatch {
  records: MediaRecord[];
  /** Rows removed from source or on the deleted list: gone from the live data. */
  removals: string[];
  skipped: SkippedRow[];
}

export async function cleanBatch(api: pg.ClientBase, mediaType: MediaType, rows: CatalogRow[], isSensitiveText: TermMatcher): Promise<CleanBatch> {
  const cleaned = rows.map((row) => cleanRow(mediaType, row));
  const ids = cleaned.flatMap((r) => (r.ok ? [r.record.identifier] : []));
  const deleted = await deletedAmong(api, mediaType, ids);
  // Moderators' marks outlive every refresh.
  const sensitive = await sensitiveAmong(api, mediaType, ids);
  const batch: CleanBatch = { records: [], removals: [], skipped: [] };
  for (const r of cleaned) {
    if (!r.ok) {
      if (r.reason === 'removed_from_source') batch.removals.push(r.id);
      batch.skipped.push({ id: r.id, reason: r.reason });
    } else if (deleted.has(r.record.identifier)) {
      batch.removals.push(r.record.identifier);
      batch.skipped.push({ id: r.record.identifier, reason: 'deleted' });
    } else {
      if (sensitive.has(r.record.identifier)) r.record.mature = r.record.user_reported_sensitive = true;
      r.record.sensitive_text = isSensitiveText(r.record);
      batch.records.push(r.record);
    }
  }
  return batch;
}

/** Counts a skipped row in a stats object (all of them by reason; the first 1000 by id). */
export function countSkip(stats: { skipped: number; skippedByReason: Partial<Record<SkipReason, number>>; skippedSample: SkippedRow[] }, row: SkippedRow): void {
  stats.skipped++;
  stats.skippedByReason[row.reason] = (stats.skippedByReason[row.reason] ?? 0) + 1;
  if (stats.skippedSample.length < 1000) stats.skippedSample.push(row);
}
