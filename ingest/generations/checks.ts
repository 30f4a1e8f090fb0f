/**
 * What a generation must pass before it is promoted, and the settings comparison the
 * local stack also uses to tell a stale index from a current one.
 */
import type pg from 'pg';
import type { MediaType } from '../../model/record.js';
import { indexSettings } from '../../model/search-index.js';
import { IngestError } from '../errors.js';
import type { MeiliAdmin } from '../meili-admin.js';
import { countStaging } from '../pipeline/load-postgres.js';

const CHECKED = ['searchableAttributes', 'filterableAttributes', 'sortableAttributes', 'rankingRules', 'facetSearch'] as const;

/** Names of the index settings that differ from what this code version applies. */
export async function settingsDiffer(meili: MeiliAdmin, uid: string, mediaType: MediaType): Promise<string[]> {
  const actual = await meili.getSettings(uid);
  const expected = indexSettings(mediaType) as Record<string, unknown>;
  const norm = (key: string, v: unknown) =>
    // Sortable attributes are a set; order matters in the others (filterable rules
    // apply first match first).
    JSON.stringify(key === 'sortableAttributes' ? [...(v as string[])].sort() : v);
  return CHECKED.filter((key) => norm(key, actual[key]) !== norm(key, expected[key]));
}

/** Count equality, settings and one sample query before anything is promoted. */
export async function checkBeforePromotion(api: pg.ClientBase, meili: MeiliAdmin, target: string, mediaType: MediaType): Promise<void> {
  const rows = await countStaging(api, mediaType);
  const docs = await meili.documentCount(target);
  if (rows !== docs) {
    throw new IngestError(`check failed: ${rows} rows loaded but ${docs} documents indexed in ${target}; nothing was promoted`);
  }
  if (rows === 0) throw new IngestError(`check failed: the new ${mediaType} index is empty; nothing was promoted`);
  const differing = await settingsDiffer(meili, target, mediaType);
  if (differing.length) {
    throw new IngestError(`check failed: ${target} has unexpected ${differing.join(', ')}; nothing was promoted`);
  }
  const sample = await api.query<{ title: string | null }>(
    `select title from ${mediaType}_new where title is not null and length(title) > 3 limit 1`,
  );
  const word = sample.rows[0]?.title?.split(/\s+/).find((w) => /^\p{L}{3,}$/u.test(w));
  if (word) {
    const result = await meili.search(target, { q: word, limit: 1 });
    if (result.hits.length === 0)
      throw new IngestError(`check failed: sample query "${word}" found nothing in ${target}; nothing was promoted`);
  }
}
