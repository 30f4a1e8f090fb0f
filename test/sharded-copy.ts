/**
 * The fixture catalog on a three-node Meilisearch network, for the parity tests of
 * sharded search (worker/search/sharded-engine.test.ts): the documents of the one-node live
 * indexes, copied as they are into one generation index per node, each document on the
 * shard `shardOf` gives it, so the two answer over exactly the same documents.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { MeiliAdmin } from '../ingest/meili-admin.js';
import { shardOf } from '../ingest/shards/partition.js';
import { generationIndexName, indexSettings, liveIndexName } from '../model/search-index.js';
import { startMeiliNodes } from '../scripts/stack/meilisearch.js';
import { freePort } from '../scripts/stack/ports.js';
import type { ProvidedContext } from 'vitest';
import type { TestServices } from './services.js';

export const NETWORK_SHARDS = 3;

/** The copy as tests see it (its shape has one home: test/provided-context.d.ts), and its stop. */
export type NetworkCopy = ProvidedContext['network'] & { close(): Promise<void> };

/**
 * Copies the one-node live indexes of `source` onto `nodes` (one shard per node) as
 * generation 1 under `indexPrefix`; returns the pointers and the documents per node.
 */
export async function copyCatalog(
  source: { url: string; masterKey: string; indexPrefix: string },
  nodes: { name: string; url: string; masterKey: string }[],
  indexPrefix: string,
): Promise<Pick<NetworkCopy, 'live' | 'counts'>> {
  const from = new MeiliAdmin(source.url, source.masterKey);
  const admins = nodes.map((n) => new MeiliAdmin(n.url, n.masterKey));
  const live = {} as NetworkCopy['live'];
  const counts: NetworkCopy['counts'] = Object.fromEntries(nodes.map((n) => [n.name, { image: 0, audio: 0 }]));
  for (const mediaType of ['image', 'audio'] as const) {
    const index = generationIndexName(mediaType, 1, indexPrefix);
    await Promise.all(admins.map((a) => a.createIndex(index, indexSettings(mediaType))));
    const parts: Record<string, unknown>[][] = admins.map(() => []);
    for (let offset = 0; ; offset += 1000) {
      const page = await from.getDocuments(liveIndexName(mediaType, source.indexPrefix), { limit: 1000, offset });
      for (const doc of page) parts[shardOf(String(doc.id), nodes.length)].push(doc);
      if (page.length < 1000) break;
    }
    await Promise.all(
      admins.map(async (a, i) => {
        if (parts[i].length) await a.waitTask(await a.addDocuments(index, parts[i].map((d) => JSON.stringify(d)).join('\n')));
        counts[nodes[i].name][mediaType] = await a.documentCount(index);
      }),
    );
    live[mediaType] = { index, shards: nodes.map((n) => [n.name]) };
  }
  return { live, counts };
}

export async function startNetworkCopy(services: TestServices): Promise<NetworkCopy> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'edgeverse-network-'));
  const ports = [];
  for (let i = 0; i < NETWORK_SHARDS; i++) ports.push(await freePort());
  const masterKey = services.meiliMasterKey.length >= 16 ? services.meiliMasterKey : `${services.meiliMasterKey}-sharded-copy-key`;
  const net = await startMeiliNodes({ count: NETWORK_SHARDS, dataDir: dir, ports, masterKey });
  const close = async () => {
    await net.close();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const indexPrefix = `${services.indexPrefix}net_`;
    const { live, counts } = await copyCatalog(
      { url: services.meiliUrl, masterKey: services.meiliMasterKey, indexPrefix: services.indexPrefix },
      net.nodes,
      indexPrefix,
    );
    return { urls: net.nodes.map((n) => n.url), masterKey, searchKey: net.searchKey, indexPrefix, live, counts, close };
  } catch (err) {
    await close();
    throw err;
  }
}
