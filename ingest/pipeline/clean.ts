/**
 * One batch of catalog rows → records to keep, identifiers to remove, rows to skip.
 * The refresh and the incremental update both go through here, so the deleted and
 * sensitive lists and the sensitive-text check apply the same way everywhere.
 */
import { readFile } from 'node:fs/promises';
import type pg from 'pg';
import { cleanRow, type CatalogRow, type SkipReason } from '../../model/catalog-row.js';
import type { MediaRecord, MediaType } from '../../model/record.js';
import { DEFAULT_SENSITIVE_TERMS, parseTermList, termMatcher, type TermMatcher } from '../../model/sensitive-terms.js';
import { IngestError } from '../errors.js';
import { detectLanguage, languageText, loadLanguageDetector } from './language.js';

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

export async function cleanBatch(
  api: pg.ClientBase,
  mediaType: MediaType,
  rows: CatalogRow[],
  isSensitiveText: TermMatcher,
): Promise<CleanBatch> {
  const cleaned = rows.map((row) => cleanRow(mediaType, row));
  const detector = await loadLanguageDetector();
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
      r.record.language = detectLanguage(detector, languageText(r.record));
      batch.records.push(r.record);
    }
  }
  return batch;
}

/** Counts a skipped row in a stats object (all of them by reason; the first 1000 by id). */
export function countSkip(
  stats: { skipped: number; skippedByReason: Partial<Record<SkipReason, number>>; skippedSample: SkippedRow[] },
  row: SkippedRow,
): void {
  stats.skipped++;
  stats.skippedByReason[row.reason] = (stats.skippedByReason[row.reason] ?? 0) + 1;
  if (stats.skippedSample.length < 1000) stats.skippedSample.push(row);
}

/** The term list of this deployment: `SENSITIVE_TERMS_FILE` (one term a line), else the default. */
export async function sensitiveTextMatcher(): Promise<TermMatcher> {
  const file = process.env.SENSITIVE_TERMS_FILE;
  if (!file) return termMatcher(DEFAULT_SENSITIVE_TERMS);
  try {
    return termMatcher(parseTermList(await readFile(file, 'utf8')));
  } catch (err) {
    throw new IngestError(`cannot read SENSITIVE_TERMS_FILE ${file}: ${(err as Error).message}`);
  }
}

/** Identifiers among `ids` that are on the deleted list. */
export async function deletedAmong(api: pg.ClientBase, mediaType: MediaType, ids: string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const { rows } = await api.query<{ identifier: string }>(
    'select identifier::text from deleted_media where media_type = $1 and identifier = any($2::uuid[])',
    [mediaType, ids],
  );
  return new Set(rows.map((r) => r.identifier));
}

/** Identifiers among `ids` that moderators marked sensitive. */
export async function sensitiveAmong(api: pg.ClientBase, mediaType: MediaType, ids: string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const { rows } = await api.query<{ identifier: string }>(
    'select identifier::text from sensitive_media where media_type = $1 and identifier = any($2::uuid[])',
    [mediaType, ids],
  );
  return new Set(rows.map((r) => r.identifier));
}
