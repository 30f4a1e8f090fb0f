import type { MediaType } from '../../model/record.js';
import { indexSettings } from '../../model/search-index.js';
import type { MeiliAdmin } from '../meili-admin.js';

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
