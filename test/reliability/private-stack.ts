/**
 * A stack of its own for a Node-side reliability test: Meilisearch and Postgres as
 * processes the test can freeze, kill and restart (see processes.ts), the Neon bridge,
 * a small demo catalog ingested through the production refresh, and the Worker in
 * workerd under `wrangler dev` (the runner `npm start` uses), started from a copy of the
 * working tree so that an edit elsewhere cannot restart it mid-test. Nothing here
 * touches the suite's shared services.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { labelWorkerd } from '../../harness/load/soak.js';
import { processTree, type ProcInfo } from '../../harness/proc.js';
import { snapshotSource } from '../../harness/stack.js';
import { applyMigrations } from '../../drizzle/migrate.js';
import { ensureDemoData } from '../../scripts/stack/demo-data.js';
import { searchOnlyKey } from '../../scripts/stack/meilisearch.js';
import { startNeonBridge, type NeonBridge } from '../../scripts/stack/neon-bridge.js';
import { freePort } from '../../scripts/stack/ports.js';
import { startWorker, type WorkerProcess } from '../../scripts/stack/wrangler.js';
import { controlledMeilisearch, controlledPostgres, type ControlledProcess } from './processes.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export interface PrivateStack {
  apiUrl: string;
  meili: ControlledProcess;
  postgres: ControlledProcess;
  bridge: NeonBridge;
  meiliMasterKey: string;
  databaseUrl: string;
  /** wrangler and its workerd processes: `workerd` is the Worker's, `workerd-proxy` wrangler's proxy in front of it. */
  workerTree(): ProcInfo[];
  /** The Worker's output lines so far (its JSON request logs included). */
  workerLines(): string[];
  /** A pg client on the stack's database (the caller ends it). */
  sql(): Promise<pg.Client>;
  stop(): Promise<void>;
}

export interface PrivateStackOptions {
  images: number;
  audio: number;
  /** Worker variables added to (or overriding) the stack's. */
  vars?: Record<string, string>;
  log?: (line: string) => void;
}

export async function startPrivateStack(opts: PrivateStackOptions): Promise<PrivateStack> {
  const log = opts.log ?? (() => {});
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'edgeverse-reliability-'));
  const cleanups: (() => Promise<void>)[] = [async () => rmSync(tmp, { recursive: true, force: true })];
  const stop = async () => {
    for (const c of cleanups.reverse()) await c().catch((err: Error) => console.error(`private stack cleanup: ${err.message}`));
    cleanups.length = 0;
  };
  try {
    const started = Date.now();
    const masterKey = randomBytes(16).toString('hex');
    const meili = await controlledMeilisearch({ dataDir: path.join(tmp, 'meili'), port: await freePort(), masterKey });
    cleanups.push(() => meili.close());
    const postgres = await controlledPostgres({ dataDir: path.join(tmp, 'pg'), port: await freePort() });
    cleanups.push(() => postgres.close());
    log(`${meili.label} ${meili.url}, ${postgres.label} ${postgres.url} (${((Date.now() - started) / 1000).toFixed(1)} s)`);

    await applyMigrations(postgres.url);
    const loading = Date.now();
    await ensureDemoData(
      {
        databaseUrl: postgres.url,
        upstreamUrl: postgres.url,
        upstreamSchema: 'upstream',
        meiliUrl: meili.url,
        meiliMasterKey: masterKey,
        indexPrefix: '',
      },
      // No media server: nothing here fetches media.
      { images: opts.images, audio: opts.audio, mediaBaseUrl: 'http://127.0.0.1:9', log: () => {} },
    );
    log(`demo catalog (${opts.images} images, ${opts.audio} audio) loaded and indexed in ${((Date.now() - loading) / 1000).toFixed(1)} s`);

    const bridge = await startNeonBridge({
      port: await freePort(),
      target: { host: '127.0.0.1', port: Number(new URL(postgres.url).port) },
    });
    cleanups.push(() => bridge.close());

    const src = snapshotSource(ROOT);
    cleanups.push(async () => src.remove());
    const lines: string[] = [];
    const workerStarted = Date.now();
    const worker: WorkerProcess = await startWorker({
      root: src.dir,
      stateDir: path.join(tmp, 'worker'),
      port: await freePort(),
      quiet: true,
      onLine: (line) => {
        lines.push(line);
        if (lines.length > 20_000) lines.splice(0, 10_000);
      },
      vars: {
        MEILI_URL: meili.url,
        MEILI_SEARCH_KEY: await searchOnlyKey(meili.url, masterKey),
        DATABASE_URL: postgres.url,
        NEON_WS_PROXY: bridge.url,
        ENVIRONMENT: 'test',
        THROTTLE_ANON_BURST: '100000000/min',
        THROTTLE_ANON_SUSTAINED: '1000000000/day',
        ...opts.vars,
      },
    });
    cleanups.push(() => worker.close());
    log(`Worker ${worker.url} (wrangler dev, ready in ${((Date.now() - workerStarted) / 1000).toFixed(1)} s)`);

    return {
      apiUrl: worker.url,
      meili,
      postgres,
      bridge,
      meiliMasterKey: masterKey,
      databaseUrl: postgres.url,
      workerTree: () => labelWorkerd(processTree(worker.process.pid!), Number(new URL(worker.url).port)),
      workerLines: () => [...lines],
      async sql() {
        const client = new pg.Client({ connectionString: postgres.url });
        client.on('error', () => {});
        await client.connect();
        return client;
      },
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}
