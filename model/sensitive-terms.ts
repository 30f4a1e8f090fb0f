/**
 * Sensitive-text detection at ingest: a term list matched against title, description
 * and tag names, whole words only, case-insensitively. The default list is short and
 * deliberately explicit; operators replace it with `SENSITIVE_TERMS_FILE`.
 */
import type { MediaRecord } from './record.js';

export const DEFAULT_SENSITIVE_TERMS = ['nsfw', 'nude', 'nudity', 'naked', 'porn', 'pornographic', 'explicit sex', 'gore'];

export type TermMatcher = (record: Pick<MediaRecord, 'title' | 'description' | 'tags'>) => boolean;

function escapeTerm(term: string): string {
  return term.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/\s+/g, '\\s+');
}

/** One regular expression for the whole list; `\b`-like edges that work for Unicode. */
export function termMatcher(terms: readonly string[]): TermMatcher {
  const cleaned = terms.map((t) => t.trim().toLowerCase()).filter(Boolean);
  if (cleaned.length === 0) return () => false;
  const pattern = new RegExp(`(?<![\\p{L}\\p{N}])(?:${cleaned.map(escapeTerm).join('|')})(?![\\p{L}\\p{N}])`, 'iu');
  return (record) =>
    pattern.test(record.title ?? '') || pattern.test(record.description ?? '') || record.tags.some((t) => pattern.test(t.name));
}

/** Parses a term file: one term per line, `#` comments and blank lines ignored. */
export function parseTermList(text: string): string[] {
  return text
    .split('\n')
    .map((l) => l.replace(/#.*/, '').trim())
    .filter(Boolean);
}
