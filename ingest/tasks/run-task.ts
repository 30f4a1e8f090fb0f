/**
 * Opens the connections a task needs and runs it: shared by the CLI, the task service,
 * the local stack and the tests.
 */
import pg from 'pg';
import type { MediaType } from '../../model/record.js';
import { DEFAULT_CHANGE_RETENTION_DAYS, topologyOf, type IngestConfig } from '../config.js';
import { MeiliAdmin } from '../meili-admin.js';
import { applyNetwork } from '../shards/join-network.js';
import type { LivePointer } from '../../model/search-index.js';
import { checkNodes } from '../shards/topology.js';
import { bumpCacheGeneration } from './notify-worker.js';
import type { ProgressListener } from './progress.js';
import { refresh, type RefreshStats } from '../generations/refresh.js';
import { pruneChanges } from '../generations/changes.js';
import { rollback, type RollbackResult } from '../generations/rollback.js';
import { fileSource } from '../sources/files.js';
import { chainSources } from '../sources/source.js';
import { upstreamPostgresSource } from '../sources/upstream-postgres.js';
import { update, type UpdateStats } from '../generations/update.js';
import { IngestError } from '../errors.js';

export const TASK_ACTIONS = ['refresh', 'update', 'rollback'] as const;
export type TaskAction = (typeof TASK_ACTIONS)[number];
export type TaskResult = RefreshStats | UpdateStats | RollbackResult;

/** Postgres advisory-lock keys (session locks, released when the connection closes). */
const TASK_LOCKS: Record<MediaType, number> = { image: 72_100_001, audio: 72_100_002 };

export interface TaskOptions {
  onProgress?: ProgressListener;
  signal?: AbortSignal;
  /** CSV/TSV dumps to read instead of the upstream database (refresh only). */
  files?: string[];
  /** Read the upstream database and then `files`: the files' rows are added, nothing is replaced. */
  addFiles?: boolean;
}

async function connect(url: string, what: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 10_000 });
  client.on('error', () => {});
  try {
    await client.connect();
  } catch (err) {
    throw new IngestError(`cannot reach the ${what} database: ${(err as Error).message}`);
  }
  return client;
}

export async function runTask(config: IngestConfig, action: TaskAction, mediaType: MediaType, opts: TaskOptions = {}): Promise<TaskResult> {
  // Parsed first: a bad topology (duplicate names, a missing key) fails in one line.
  const topology = topologyOf(config);
  const meili = new MeiliAdmin(config.meiliUrl, config.meiliMasterKey);
  if (topology.networked) {
    // Every node answers and takes its key; then each node's network settings match the topology.
    await checkNodes(topology);
    await applyNetwork(topology);
  } else {
    try {
      await meili.health();
    } catch (err) {
      throw new IngestError(`cannot reach Meilisearch at ${config.meiliUrl}: ${(err as Error).message}`);
    }
  }
  // Once the change is live (before older generations are dropped), the Worker is told.
  // Unique per change: a rollback returns to an older number, whose cached answers
  // must not come back.
  const onLive = async (live: LivePointer, generation: number) => {
    await bumpCacheGeneration(config, mediaType, `${generation}.${Date.now()}`, live);
  };
  const api = await connect(config.databaseUrl, 'API');
  try {
    // One refresh, update or rollback per media type at a time, across processes.
    const { rows } = await api.query<{ locked: boolean }>('select pg_try_advisory_lock($1) as locked', [TASK_LOCKS[mediaType]]);
    if (!rows[0].locked) throw new IngestError(`another refresh, update or rollback of ${mediaType} is running; try again when it ends`);
    // The change feed keeps `changeRetentionDays`; every task trims it first.
    await pruneChanges(api, mediaType, config.changeRetentionDays ?? DEFAULT_CHANGE_RETENTION_DAYS);
    const layout = { mediaType, meili, topology, indexPrefix: config.indexPrefix, onLive };
    if (action === 'rollback') return await rollback({ ...layout, api });
    const files = opts.files ?? [];
    const upstream = files.length && !opts.addFiles ? null : await connect(config.upstreamUrl, 'upstream');
    try {
      const common = { ...layout, api, onProgress: opts.onProgress, signal: opts.signal };
      if (action === 'update') {
        if (!upstream || files.length) throw new IngestError('update reads the upstream database; files can only be ingested by a refresh');
        return await update({
          ...common,
          source: (since) => upstreamPostgresSource(upstream, mediaType, { schema: config.upstreamSchema, since }),
        });
      }
      const catalog = upstream ? [upstreamPostgresSource(upstream, mediaType, { schema: config.upstreamSchema })] : [];
      return await refresh({ ...common, source: chainSources([...catalog, ...files.map((f) => fileSource(f))]) });
    } finally {
      await upstream?.end().catch(() => {});
    }
  } finally {
    await api.end().catch(() => {});
  }
}
