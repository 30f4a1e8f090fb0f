/**
 * Generations on a Meilisearch network. A generation is `<live>__<n>` created with the
 * same settings on every node of its shards; there is no alias and no index swap. The
 * `search_generation` row is the switch: `live_index` on the nodes of `shards` is what
 * search serves (the Worker reads it through its KV copy), `previous_index` on
 * `previous_shards` is kept for rollback.
 *
 * - Promotion: one Postgres transaction (staging tables in, sources, the row). Nothing
 *   in Meilisearch changes at the switch. After the commit the Worker is told, then the
 *   generation indexes that are neither live nor previous are dropped on every node.
 * - Crash safety: before the commit the old generation is live and complete, after it
 *   the new one. `recover` drops what no row names (the orphans of a killed build, or
 *   the generation a killed cleanup did not drop) and the staging tables.
 * - Rollback: the row's live and previous exchange, with the tables, in one transaction.
 */
import { generationIndexName, liveIndexName } from '../../model/search-index.js';
import { IngestError } from '../errors.js';
import { dropStagingTables, exchangePrevious, stagingExists } from '../pipeline/load-postgres.js';
import type { LivePointer } from '../../model/search-index.js';
import { countDocuments, onEveryNode, onNetwork, pointerOf } from '../shards/placement.js';
import { adminsOf, type Topology } from '../shards/topology.js';
import { withTransaction } from '../transaction.js';
import type { GenerationLayout, LayoutOptions } from './layout.js';
import { promoteTables, recordRollbackChanges } from './promote.js';
import { clearPending, noPreviousGeneration, readGeneration, recordPromotion, type GenerationRow } from './records.js';

export function pointerLayout(o: LayoutOptions & { topology: Topology }): GenerationLayout {
  const { topology, mediaType } = o;
  const prefix = o.indexPrefix ?? '';
  const served = liveIndexName(mediaType, prefix);

  /**
   * Deletes, on every node of the topology, the generation indexes of this media type
   * that the row names neither live nor previous; returns how many went.
   */
  async function dropUnnamed(row: GenerationRow | null): Promise<number> {
    const keep = new Set([row?.live_index, row?.previous_index]);
    // Every reachable node is cleaned even when another fails; the first failure is thrown.
    const results = await Promise.allSettled(
      [...adminsOf(topology)].map(async ([name, admin]) => {
        try {
          let n = 0;
          for (const uid of await admin.listIndexes()) {
            if (uid.startsWith(`${served}__`) && !keep.has(uid)) {
              await admin.deleteIndex(uid);
              n++;
            }
          }
          return n;
        } catch (err) {
          throw new IngestError(`Meilisearch node "${name}": ${(err as Error).message}`);
        }
      }),
    );
    const failed = results.find((r) => r.status === 'rejected');
    if (failed) throw failed.reason;
    return results.reduce((sum, r) => sum + (r as PromiseFulfilledResult<number>).value, 0);
  }

  return {
    async recover(api) {
      const row = await readGeneration(api, mediaType);
      // A network has no promotion in progress between two steps: the switch is one
      // transaction. A mark left by a one-node run is forgotten.
      const pending = Boolean(row?.pending_index);
      if (pending) await clearPending(api, mediaType);
      const staged = await stagingExists(api, mediaType);
      await dropStagingTables(api, mediaType);
      const dropped = await dropUnnamed(row);
      return pending || staged || dropped > 0 ? 'undone' : 'none';
    },

    build: (generation) => onNetwork(topology, generationIndexName(mediaType, generation, prefix)),

    live(row) {
      if (!row || row.generation === 0)
        throw new IngestError(`no live ${mediaType} generation on the Meilisearch network yet: run a refresh`);
      if (!row.shards) {
        throw new IngestError(
          `the live ${mediaType} generation (${row.live_index}) is on one node, not on the Meilisearch network: refresh it onto the network first`,
        );
      }
      return onNetwork(topology, row.live_index, row.shards, 'live');
    },

    async promote(api, p) {
      const { target, current } = p;
      const hadLive = (current?.generation ?? 0) > 0;
      // The switch: what search serves changes here, and only here.
      await promoteTables(
        api,
        mediaType,
        {
          generation: p.generation,
          live: target.index,
          shards: target.layout,
          previousIndex: hadLive ? current!.live_index : null,
          previousShards: hadLive ? current!.shards : null,
          previousGeneration: hadLive ? current!.generation : null,
          documentCount: p.documentCount,
          updatedThrough: p.updatedThrough,
        },
        p.sources,
      );
      const live = pointerOf(target);
      await o.onLive?.(live, p.generation);
      // Keep exactly one previous generation for rollback.
      await dropUnnamed(await readGeneration(api, mediaType));
      return live;
    },

    async rollback(api, row) {
      if (!row.previous_index || row.previous_generation === null) throw noPreviousGeneration(mediaType);
      if (!row.previous_shards) {
        throw noPreviousGeneration(mediaType, `${row.previous_index} was built on one node, not on the Meilisearch network`);
      }
      const back = onNetwork(topology, row.previous_index, row.previous_shards, 'previous');
      const missing = (await onEveryNode(back, async (node) => ((await node.admin.indexExists(back.index)) ? null : node.name))).filter(
        (n) => n !== null,
      );
      if (missing.length) throw noPreviousGeneration(mediaType, `${back.index} is missing on node ${missing.join(', ')}`);
      const documents = await countDocuments(back);
      await withTransaction(api, async () => {
        await recordRollbackChanges(api, row);
        await exchangePrevious(api, mediaType);
        await recordPromotion(api, mediaType, {
          generation: row.previous_generation!,
          live: back.index,
          shards: back.layout,
          previousIndex: row.live_index,
          previousShards: row.shards,
          previousGeneration: row.generation,
          documentCount: documents,
          updatedThrough: null,
        });
      });
      const live: LivePointer = pointerOf(back);
      await o.onLive?.(live, row.previous_generation);
      return { live, documents };
    },
  };
}
