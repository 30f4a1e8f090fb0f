import { readFile } from 'node:fs/promises';
import { DEFAULT_SENSITIVE_TERMS, parseTermList, termMatcher, type TermMatcher } from '../model/sensitive-terms.js';

/** The term list of this deployment: `SENSITIVE_TERMS_FILE` (one term a line), else the default. */
export async function sensitiveTextMatcher(): Promise<TermMatcher> {
  const file = process.env.SENSITIVE_TERMS_FILE;
  if (!file) return termMatcher(DEFAULT_SENSITIVE_TERMS);
  try {
    return termMatcher(parseTermList(await readFile(file, 'utf8')));
  } catch (err) {
    throw new Error(`cannot read SENSITIVE_TERMS_FILE ${file}: ${(err as Error).message}`);
  }
}
