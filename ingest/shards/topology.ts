/**
 * Where the catalog's Meilisearch nodes are: one description of the shards and their
 * replicas, read from `MEILI_NODES` (JSON, or `@path` to a JSON file), else from the
 * running local stack (`SHARDS=3 npm start` writes it to .state/stack.json), else the one
 * node of `MEILI_URL` + `MEILI_MASTER_KEY` (the default: no network, as before).
 *
 * A node is one Meilisearch process: its network name, URL and master key, and the shard
 * it holds (its own name unless it is a replica of another node's shard). Shards keep the
 * order in which they first appear: a document's shard is its position in that list
 * (partition.ts), and each generation records the list it was built with.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { IngestError } from '../errors.js';
import { MeiliAdmin, type MeiliError } from '../meili-admin.js';

const NAME = /^[a-z0-9][a-z0-9_-]{0,31}$/;

const NodeSchema = z.object({
  name: z.string().regex(NAME, 'a node name is 1-32 of a-z, 0-9, _ and -, starting with a letter or digit'),
  url: z.url({ protocol: /^https?$/, error: 'url must be an http(s) URL' }),
  masterKey: z.string().min(16, "masterKey (the node's master key, 16+ characters) is missing"),
  /** The shard this node holds; a replica names the shard of the node it copies. */
  shard: z.string().regex(NAME).optional(),
});
export type NodeConfig = z.infer<typeof NodeSchema>;

export interface MeiliNode {
  name: string;
  url: string;
  masterKey: string;
  shard: string;
}

export interface Shard {
  name: string;
  /** The nodes holding this shard: the first is searched first, the others are replicas. */
  nodes: MeiliNode[];
}

export interface Topology {
  nodes: MeiliNode[];
  shards: Shard[];
  /** More than one shard (or a replica): searches go through Meilisearch's network. */
  networked: boolean;
}

/** Checks a list of nodes and groups them into shards; every problem is one line. */
export function parseTopology(input: unknown, where = 'MEILI_NODES'): Topology {
  const parsed = z.array(NodeSchema).min(1, 'at least one node').safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const at = issue.path.length ? ` (node ${issue.path.join('.')})` : '';
    throw new IngestError(`${where}${at}: ${issue.message}`);
  }
  const seen = new Set<string>();
  const urls = new Set<string>();
  const nodes: MeiliNode[] = [];
  for (const n of parsed.data) {
    if (seen.has(n.name)) throw new IngestError(`${where}: two nodes are named "${n.name}"; node names must be unique`);
    const url = n.url.replace(/\/+$/, '');
    if (urls.has(url)) throw new IngestError(`${where}: two nodes have the URL ${url}`);
    seen.add(n.name);
    urls.add(url);
    nodes.push({ name: n.name, url, masterKey: n.masterKey, shard: n.shard ?? n.name });
  }
  const shards: Shard[] = [];
  for (const node of nodes) {
    const shard = shards.find((s) => s.name === node.shard);
    if (shard) shard.nodes.push(node);
    else shards.push({ name: node.shard, nodes: [node] });
  }
  return { nodes, shards, networked: nodes.length > 1 };
}

/** The topology of this environment (see the module comment); `stackNodes` from .state/stack.json. */
export function loadTopology(
  env: { MEILI_NODES?: string },
  fallback: { url: string; masterKey: string },
  stackNodes?: NodeConfig[],
): Topology {
  const raw = env.MEILI_NODES?.trim();
  if (raw) {
    let text = raw;
    if (raw.startsWith('@')) {
      try {
        text = readFileSync(raw.slice(1), 'utf8');
      } catch (err) {
        throw new IngestError(`MEILI_NODES: cannot read ${raw.slice(1)}: ${(err as Error).message}`);
      }
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (err) {
      throw new IngestError(`MEILI_NODES is not JSON (${(err as Error).message}): give a list of {"name", "url", "masterKey", "shard"?}`);
    }
    return parseTopology(json);
  }
  if (stackNodes?.length) return parseTopology(stackNodes, '.state/stack.json meiliNodes');
  // The one node of MEILI_URL, taken as given (as the one-node ingest always has).
  const node: MeiliNode = { name: 'main', url: fallback.url, masterKey: fallback.masterKey, shard: 'main' };
  return { nodes: [node], shards: [{ name: 'main', nodes: [node] }], networked: false };
}

/** A master-key client of every node, by node name. */
export function adminsOf(topology: Topology, timeoutMs?: number): Map<string, MeiliAdmin> {
  return new Map(topology.nodes.map((n) => [n.name, new MeiliAdmin(n.url, n.masterKey, timeoutMs)]));
}

/**
 * Before any work: every node answers and accepts its master key. Fails with one line
 * naming the first node that does not.
 */
export async function checkNodes(topology: Topology): Promise<void> {
  await Promise.all(
    topology.nodes.map(async (node) => {
      const admin = new MeiliAdmin(node.url, node.masterKey, 5000);
      try {
        await admin.health();
      } catch (err) {
        throw new IngestError(`Meilisearch node "${node.name}" (${node.url}) is unreachable: ${(err as Error).message}`);
      }
      try {
        await admin.keys();
      } catch (err) {
        const status = (err as MeiliError).status;
        throw new IngestError(
          status === 401 || status === 403
            ? `Meilisearch node "${node.name}" (${node.url}) refused its master key: check MEILI_NODES`
            : `Meilisearch node "${node.name}" (${node.url}): ${(err as Error).message}`,
        );
      }
    }),
  );
}
