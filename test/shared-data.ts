/**
 * The real catalog samples in `../shared/data` (see its README). Tests that need them
 * skip with a clear message when the folder is absent.
 */
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const SHARED_DATA = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../shared/data/openverse');
export const hasSharedData = existsSync(SHARED_DATA);
export const SHARED_DATA_MISSING = `real catalog samples not found at ${SHARED_DATA} (../shared is absent): skipped`;

export function sharedImageFiles(): string[] {
  if (!hasSharedData) return [];
  const dir = path.join(SHARED_DATA, 'catalog-tsv');
  return readdirSync(dir)
    .filter((f) => f.endsWith('.tsv'))
    .sort()
    .map((f) => path.join(dir, f));
}

export function sharedAudioFiles(): string[] {
  return hasSharedData ? [path.join(SHARED_DATA, 'sample_audio_data.csv')] : [];
}
