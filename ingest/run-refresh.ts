/**
 * Opens the connections a refresh needs and runs it: shared by the CLI, the local
 * stack and the tests.
 */
import pg from 'pg';
import type { MediaType } from '../model/record.js';
import type { IngestConfig } from './config.js';
import { MeiliAdmin } from './meili-admin.js';
import type { ProgressListener } from './progress.js';
import { refresh, type RefreshStats } from './refresh.js';
import { fileSource } from './sources/files.js';
import { chainSources } from './sources/source.js';
import { upstreamPostgresSource } from './sources/upstream-postgres.js';

export async function runRefresh(
  config: IngestConfig,
  mediaType: MediaType,
  opts: { onProgress?: ProgressListener; signal?: AbortSignal; files?: string[] } = {},
): Promise<RefreshStats> {
  const api = new pg.Client({ connectionString: config.databaseUrl });
  const upstream = new pg.Client({ connectionString: config.upstreamUrl });
  api.on('error', () => {});
  upstream.on('error', () => {});
  await api.connect();
  try {
    await upstream.connect();
    try {
      return await refresh({
        mediaType,
        api,
        source: opts.files?.length
          ? chainSources(opts.files.map((f) => fileSource(f)))
          : upstreamPostgresSource(upstream, mediaType, { schema: config.upstreamSchema }),
        meili: new MeiliAdmin(config.meiliUrl, config.meiliMasterKey),
        indexPrefix: config.indexPrefix,
        onProgress: opts.onProgress,
        signal: opts.signal,
      });
    } finally {
      await upstream.end().catch(() => {});
    }
  } finally {
    await api.end().catch(() => {});
  }
}
