/**
 * A catalog source: batches of raw catalog rows for one media type, plus a row count
 * for progress (an estimate is fine; files count lines).
 */
import type { CatalogRow } from '../../model/catalog-row.js';

export interface CatalogSource {
  /** Short description for logs, e.g. `postgres upstream.image` or a file path. */
  describe: string;
  count(): Promise<number>;
  batches(): AsyncIterable<CatalogRow[]>;
}

/** Several sources read one after the other, as one. */
export function chainSources(sources: CatalogSource[]): CatalogSource {
  return {
    describe: sources.map((s) => s.describe).join(' + '),
    async count() {
      let n = 0;
      for (const s of sources) n += await s.count();
      return n;
    },
    async *batches() {
      for (const s of sources) yield* s.batches();
    },
  };
}
