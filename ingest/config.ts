/**
 * Where the ingest finds its services: environment variables first, else the running
 * local stack (`npm start` writes `.state/stack.json`).
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { IngestError } from './errors.js';

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
  indexPrefix: string;
  /** The Worker to notify after data changes (cache generation), with the shared secret. */
  workerUrl?: string;
  workerSecret?: string;
}

export function ingestConfig(overrides: { source?: string } = {}): IngestConfig {
  const stack = readStackInfo();
  const databaseUrl = process.env.DATABASE_URL ?? stack?.databaseUrl;
  const meiliUrl = process.env.MEILI_URL ?? stack?.meiliUrl;
  const meiliMasterKey = process.env.MEILI_MASTER_KEY ?? stack?.meiliMasterKey;
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
    indexPrefix: process.env.INDEX_PREFIX ?? '',
    workerUrl: process.env.WORKER_URL ?? stack?.apiUrl,
    workerSecret: process.env.INGEST_SECRET ?? stack?.ingestSecret,
  };
}
