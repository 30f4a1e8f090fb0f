/**
 * Real services for tests: Postgres (DATABASE_URL, else the machine's server on
 * 127.0.0.1:5432 is NOT assumed: embedded PGlite) and Meilisearch (MEILI_URL +
 * MEILI_MASTER_KEY, else the embedded binary on a fresh temporary folder).
 * Every run gets its own database (or PGlite instance) and index prefix.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { MeiliAdmin } from '../ingest/meili-admin.js';
import { searchOnlyKey, startMeilisearch } from '../scripts/stack/meilisearch.js';
import { freePort } from '../scripts/stack/ports.js';
import { createDatabase, startEmbeddedPostgres } from '../scripts/stack/postgres.js';

export interface TestServices {
  databaseUrl: string;
  embeddedPostgres: boolean;
  meiliUrl: string;
  meiliMasterKey: string;
  meiliSearchKey: string;
  /** Unique per run: every index a test creates starts with it. */
  indexPrefix: string;
  stop(): Promise<void>;
}

export async function startTestServices(): Promise<TestServices> {
  const runId = `${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
  const cleanups: (() => Promise<void>)[] = [];
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'edgeverse-test-'));
  cleanups.push(async () => rmSync(tmp, { recursive: true, force: true }));

  let databaseUrl: string;
  let embeddedPostgres = false;
  if (process.env.DATABASE_URL) {
    const database = await createDatabase(process.env.DATABASE_URL, `edgeverse_test_${runId}`);
    databaseUrl = database.url;
    cleanups.push(() => database.close());
  } else {
    const server = await startEmbeddedPostgres({ port: await freePort() });
    databaseUrl = server.url;
    embeddedPostgres = true;
    cleanups.push(() => server.close());
  }

  let meiliUrl = process.env.MEILI_URL;
  let meiliMasterKey = process.env.MEILI_MASTER_KEY ?? '';
  if (!meiliUrl) {
    meiliMasterKey = randomBytes(16).toString('hex');
    const meili = await startMeilisearch({ dataDir: path.join(tmp, 'meili'), port: await freePort(), masterKey: meiliMasterKey });
    meiliUrl = meili.url;
    cleanups.push(() => meili.close());
  } else if (!meiliMasterKey) {
    throw new Error('MEILI_URL is set but MEILI_MASTER_KEY is not: tests need the master key to create their indexes');
  }
  const meiliSearchKey = await searchOnlyKey(meiliUrl, meiliMasterKey);
  const indexPrefix = `t${runId}_`;
  if (process.env.MEILI_URL) {
    cleanups.push(() => new MeiliAdmin(meiliUrl, meiliMasterKey).deleteIndexesWithPrefix(indexPrefix));
  }

  return {
    databaseUrl,
    embeddedPostgres,
    meiliUrl,
    meiliMasterKey,
    meiliSearchKey,
    indexPrefix,
    async stop() {
      for (const cleanup of cleanups.reverse()) await cleanup().catch((err) => console.error('test cleanup:', err));
    },
  };
}
