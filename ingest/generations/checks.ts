/**
 * What a generation must pass before it is promoted (on one node or on every shard of a
 * network), and the settings comparison the local stack also uses to tell a stale index
 * from a current one.
 */
import type pg from 'pg';
import type { MediaType } from '../../model/record.js';
import { indexSettings } from '../../model/search-index.js';
import { IngestError } from '../errors.js';
import type { MeiliAdmin } from '../meili-admin.js';
import type { Settings } from 'meilisearch';
import { countStaging } from '../pipeline/load-postgres.js';
import { shardOf } from '../shards/partition.js';
import { onEveryNode, shardCounts, type Placement } from '../shards/placement.js';

const CHECKED = ['searchableAttributes', 'filterableAttributes', 'sortableAttributes', 'rankingRules', 'facetSearch'] as const;

/** Names of the index settings that differ from what this code version applies. */
export async function settingsDiffer(meili: MeiliAdmin, uid: string, mediaType: MediaType): Promise<string[]> {
  return differingSettings(await meili.getSettings(uid), mediaType);
}

function differingSettings(actual: Settings, mediaType: MediaType): string[] {
  const expected = indexSettings(mediaType) as Record<string, unknown>;
  const norm = (key: string, v: unknown) =>
    // Sortable attributes are a set; order matters in the others (filterable rules
    // apply first match first).
    JSON.stringify(key === 'sortableAttributes' ? [...(v as string[])].sort() : v);
  return CHECKED.filter((key) => norm(key, actual[key]) !== norm(key, expected[key]));
}

/**
 * Count equality, settings and one sample query before anything is promoted, on every
 * shard of the target: the shards' counts add up to the rows loaded (the replicas of a
 * shard hold as many as its first node), every node has the expected settings (and the
 * same ones), and on each node a word of one of its shard's titles finds something.
 */
export async function checkBeforePromotion(api: pg.ClientBase, target: Placement, mediaType: MediaType): Promise<void> {
  const { index } = target;
  const networked = target.layout !== null;
  const rows = await countStaging(api, mediaType);
  const counts = await Promise.all(target.shards.map((shard) => shardCounts(target, shard)));
  target.shards.forEach((shard, i) => {
    if (new Set(counts[i]).size > 1) {
      const each = shard.nodes.map((n, j) => `${n.name} ${counts[i][j]}`).join(', ');
      throw new IngestError(
        `check failed: the nodes of shard "${shard.name}" disagree on ${index} (${each} documents); nothing was promoted`,
      );
    }
  });
  const docs = counts.reduce((sum, c) => sum + c[0], 0);
  if (rows !== docs) {
    const where = networked
      ? `${index} across ${target.shards.length} shards (${target.shards.map((s, i) => `${s.name} ${counts[i][0]}`).join(', ')})`
      : index;
    throw new IngestError(`check failed: ${rows} rows loaded but ${docs} documents indexed in ${where}; nothing was promoted`);
  }
  if (rows === 0) throw new IngestError(`check failed: the new ${mediaType} index is empty; nothing was promoted`);

  // On a network a failure on a node is named by its shard and node (onEveryNode).
  const settings = await onEveryNode(target, async (node) => {
    const actual = await node.admin.getSettings(index);
    const differing = differingSettings(actual, mediaType);
    if (differing.length) throw new IngestError(`check failed: ${index} has unexpected ${differing.join(', ')}; nothing was promoted`);
    return { node: node.name, settings: JSON.stringify(actual) };
  });
  const odd = settings.find((s) => s.settings !== settings[0].settings);
  if (odd) {
    throw new IngestError(
      `check failed: the settings of ${index} differ between nodes "${settings[0].node}" and "${odd.node}"; nothing was promoted`,
    );
  }

  // One title per shard (the first loaded row of that shard) gives the sample word.
  const sample = await api.query<{ identifier: string; title: string | null }>(
    `select identifier::text, title from ${mediaType}_new where title is not null and length(title) > 3 limit ${target.shards.length === 1 ? 1 : 1000}`,
  );
  const words = target.shards.map(() => undefined as string | undefined);
  const seen = new Set<number>();
  for (const row of sample.rows) {
    const s = shardOf(row.identifier, target.shards.length);
    if (seen.has(s)) continue;
    seen.add(s);
    words[s] = row.title?.split(/\s+/).find((w) => /^\p{L}{3,}$/u.test(w));
  }
  await onEveryNode(target, async (node, shard) => {
    const word = words[target.shards.indexOf(shard)];
    if (!word) return;
    const result = await node.admin.search(index, { q: word, limit: 1 });
    if (result.hits.length === 0)
      throw new IngestError(`check failed: sample query "${word}" found nothing in ${index}; nothing was promoted`);
  });
}
