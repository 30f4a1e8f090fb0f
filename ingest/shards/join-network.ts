/**
 * Joins the nodes of a topology into one Meilisearch network: each node gets a
 * search-only key (the same `uid` everywhere, so nodes sharing a master key share the
 * key too), then every node learns its own name and every node's URL and search key.
 * A federated multi-search sent to any node can then reach every shard
 * (`federationOptions.remote`). Idempotent: run at every start and before sharded work.
 */
import { IngestError } from '../errors.js';
import { MeiliAdmin } from '../meili-admin.js';
import type { Topology } from './topology.js';

/** The uid of the network's search key on every node. */
export const NETWORK_SEARCH_KEY_UID = '6a1c6a52-7c57-4e0c-9a8e-3f0c2e6d5b11';

/** The node's search key with the network's uid, created when missing. */
export async function networkSearchKey(admin: MeiliAdmin): Promise<string> {
  const existing = async () => (await admin.keys()).find((k) => k.uid === NETWORK_SEARCH_KEY_UID)?.key;
  const key = await existing();
  if (key) return key;
  try {
    return await admin.createSearchKey('edgeverse-network-search', NETWORK_SEARCH_KEY_UID);
  } catch (err) {
    // Two tasks starting at once (the image and audio refreshes of one cron) both create
    // it: the second finds the first's.
    const created = await existing();
    if (created) return created;
    throw err;
  }
}

/** Joins every node; returns each node's search key by node name. */
export async function applyNetwork(topology: Topology): Promise<Map<string, string>> {
  const keys = new Map<string, string>();
  await Promise.all(
    topology.nodes.map(async (n) => {
      keys.set(n.name, await networkSearchKey(new MeiliAdmin(n.url, n.masterKey)));
    }),
  );
  if (!topology.networked) return keys;
  const remotes = Object.fromEntries(topology.nodes.map((n) => [n.name, { url: n.url, searchApiKey: keys.get(n.name)! }]));
  await Promise.all(
    topology.nodes.map(async (n) => {
      try {
        await new MeiliAdmin(n.url, n.masterKey).joinNetwork(n.name, remotes);
      } catch (err) {
        throw new IngestError(`Meilisearch node "${n.name}" (${n.url}) could not join the network: ${(err as Error).message}`);
      }
    }),
  );
  return keys;
}
