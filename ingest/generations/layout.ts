/**
 * How generations are built and switched: the one place that tells one node from a
 * Meilisearch network. Refresh, update and rollback run the same steps on either.
 *
 * - One node (no topology, or a topology of one node): a generation is built in
 *   `<live>__<n>` and swapped with the served index (MeiliAdmin.swap; promote.ts,
 *   recover.ts); the row's `shards` stay null.
 * - A network: a generation is `<live>__<n>` on every node of its shards, and the
 *   `search_generation` row is the switch (pointer.ts): no alias, no index swap.
 */
import type pg from 'pg';
import type { MediaType } from '../../model/record.js';
import { generationIndexName, liveIndexName, type LivePointer } from '../../model/search-index.js';
import { IngestError } from '../errors.js';
import type { MeiliAdmin } from '../meili-admin.js';
import { onNode, type Placement } from '../shards/placement.js';
import type { Topology } from '../shards/topology.js';
import { pointerLayout } from './pointer.js';
import { promote, rollbackAlias } from './promote.js';
import { readGeneration, type GenerationRow } from './records.js';
import { recover, type Recovery } from './recover.js';

export interface LayoutOptions {
  mediaType: MediaType;
  /** The Meilisearch node of a one-node catalog (unused on a network). */
  meili: MeiliAdmin;
  /** The nodes; when networked, generations span them. Absent: everything is on `meili`. */
  topology?: Topology;
  /** Prefix of index names (tests give each suite its own). */
  indexPrefix?: string;
  /**
   * Called once what search serves has changed (the new generation is live, the previous
   * one is back, or an update landed), before older indexes are dropped: the task tells
   * the Worker here.
   */
  onLive?: (live: LivePointer, generation: number) => Promise<void>;
}

/** A built, checked generation to make live. */
export interface LayoutPromotion {
  target: Placement;
  generation: number;
  /** The generation record before this promotion. */
  current: GenerationRow | null;
  documentCount: number;
  updatedThrough: string;
  /** Rows loaded per source: new sources are added to `content_provider`. */
  sources: Map<string, number>;
}

export interface GenerationLayout {
  /** Finishes or undoes what a killed run left, so the next step starts clean. */
  recover(api: pg.ClientBase): Promise<Recovery>;
  /** Where generation `n` is built (its index on every node that will hold it). */
  build(generation: number): Placement;
  /** Where the live generation is: updates and moderation write there. */
  live(row: GenerationRow | null): Placement;
  /** Makes a built and checked generation live; returns what search serves now. */
  promote(api: pg.ClientBase, p: LayoutPromotion): Promise<LivePointer>;
  /** Makes the kept previous generation live again (and the live one the previous). */
  rollback(api: pg.ClientBase, row: GenerationRow): Promise<{ live: LivePointer; documents: number }>;
}

export function generationLayout(o: LayoutOptions): GenerationLayout {
  return o.topology?.networked ? pointerLayout({ ...o, topology: o.topology }) : aliasLayout(o);
}

/** The live generation's placement (moderation's writes go there). */
export async function livePlacement(api: pg.ClientBase, o: LayoutOptions): Promise<Placement> {
  return generationLayout(o).live(await readGeneration(api, o.mediaType));
}

/** One node: the served index is an alias swapped with each new generation. */
function aliasLayout(o: LayoutOptions): GenerationLayout {
  const { meili, mediaType } = o;
  const prefix = o.indexPrefix ?? '';
  const live = liveIndexName(mediaType, prefix);
  const pointer: LivePointer = { index: live, shards: null };
  // A generation served by a network is out of one node's reach (its indexes are not
  // this node's to swap or drop): every task refuses it.
  const refusal = (row: GenerationRow | null) =>
    row?.shards
      ? new IngestError(
          `the live ${mediaType} generation (${row.live_index}) is on a Meilisearch network of ${row.shards.length} shards: set MEILI_NODES to reach it`,
        )
      : null;
  return {
    recover: async (api) => {
      const refused = refusal(await readGeneration(api, mediaType));
      if (refused) throw refused;
      return recover(api, meili, mediaType, prefix);
    },
    build: (generation) => onNode(meili, generationIndexName(mediaType, generation, prefix)),
    live: (row) => {
      const refused = refusal(row);
      if (refused) throw refused;
      return onNode(meili, live);
    },
    promote: async (api, p) => {
      await promote(api, meili, { ...p, mediaType, live, target: p.target.index });
      await o.onLive?.(pointer, p.generation);
      return pointer;
    },
    rollback: async (api, row) => {
      const documents = await rollbackAlias(api, meili, row, live);
      await o.onLive?.(pointer, row.previous_generation ?? row.generation);
      return { live: pointer, documents };
    },
  };
}
