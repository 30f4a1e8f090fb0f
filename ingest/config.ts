/**
 * Where the ingest finds its services: environment variables first, else the running
 * local stack (`npm start` writes `.state/stack.json`).
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { IngestError } from './errors.js';
import { loadTopology, type NodeConfig, type Topology } from './shards/topology.js';

export const STATE_DIR = path.resolve(process.env.EDGEVERSE_STATE_DIR ?? '.state');
export const STACK_FILE = path.join(STATE_DIR, 'stack.json');

export interface StackInfo {
  databaseUrl: string;
  meiliUrl: string;
  meiliMasterKey: string;
  upstreamSchema: string;
  apiUrl?: string;
  ingestSecret?: string;
  pid?: number;
  /** `SHARDS=N npm start` (N > 1): the network's nodes (meiliUrl is the first). */
  meiliNodes?: NodeConfig[];
}

export function readStackInfo(): StackInfo | null {
  if (!existsSync(STACK_FILE)) return null;
  try {
    return JSON.parse(readFileSync(STACK_FILE, 'utf8')) as StackInfo;
  } catch {
    return null;
  }
}

export interface IngestConfig {
  databaseUrl: string;
  upstreamUrl: string;
  upstreamSchema: string;
  meiliUrl: string;
  meiliMasterKey: string;
  /** The Meilisearch nodes, when more than the one of meiliUrl (topologyOf reads them). */
  meiliNodes?: NodeConfig[];
  indexPrefix: string;
  /** The Worker to notify after data changes (cache generation), with the shared secret. */
  workerUrl?: string;
  workerSecret?: string;
  /** Days the change feed keeps (`CHANGE_RETENTION_DAYS`, default 30): older tokens are refused with 410. */
  changeRetentionDays?: number;
}

export function ingestConfig(overrides: { source?: string } = {}): IngestConfig {
  const stack = readStackInfo();
  const databaseUrl = process.env.DATABASE_URL ?? stack?.databaseUrl;
  // With MEILI_NODES the first node stands for "the" Meilisearch of one-node code paths.
  const first = process.env.MEILI_NODES ? loadTopology(process.env, { url: '', masterKey: '' }).nodes[0] : undefined;
  const meiliUrl = first?.url ?? process.env.MEILI_URL ?? stack?.meiliUrl;
  const meiliMasterKey = first?.masterKey ?? process.env.MEILI_MASTER_KEY ?? stack?.meiliMasterKey;
  const missing = [!databaseUrl && 'DATABASE_URL', !meiliUrl && 'MEILI_URL', !meiliMasterKey && 'MEILI_MASTER_KEY'].filter(Boolean);
  if (missing.length) {
    throw new IngestError(`${missing.join(', ')} not set and no local stack running: set them, or start the stack with \`npm start\``);
  }
  return {
    databaseUrl: databaseUrl!,
    upstreamUrl: overrides.source ?? process.env.UPSTREAM_DATABASE_URL ?? databaseUrl!,
    upstreamSchema: process.env.UPSTREAM_SCHEMA ?? stack?.upstreamSchema ?? 'upstream',
    meiliUrl: meiliUrl!,
    meiliMasterKey: meiliMasterKey!,
    meiliNodes: process.env.MEILI_NODES ? undefined : stack?.meiliNodes,
    indexPrefix: process.env.INDEX_PREFIX ?? '',
    workerUrl: process.env.WORKER_URL ?? stack?.apiUrl,
    workerSecret: process.env.INGEST_SECRET ?? stack?.ingestSecret,
    changeRetentionDays: retentionDays(process.env.CHANGE_RETENTION_DAYS),
  };
}

/** The Meilisearch nodes of this configuration: MEILI_NODES, the stack's nodes, or the one node. */
export function topologyOf(config: IngestConfig): Topology {
  return loadTopology(process.env, { url: config.meiliUrl, masterKey: config.meiliMasterKey }, config.meiliNodes);
}

/** Days the change feed keeps when `CHANGE_RETENTION_DAYS` is unset. */
export const DEFAULT_CHANGE_RETENTION_DAYS = 30;

/** `CHANGE_RETENTION_DAYS`: a whole number of days. */
function retentionDays(value: string | undefined): number {
  if (value === undefined || value === '') return DEFAULT_CHANGE_RETENTION_DAYS;
  const days = Number(value);
  if (!Number.isInteger(days) || days < 0) throw new IngestError(`CHANGE_RETENTION_DAYS must be a whole number of days (got "${value}")`);
  return days;
}
