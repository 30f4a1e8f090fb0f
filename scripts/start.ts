/**
 * `npm start`: the whole stack on embedded defaults. Starts Meilisearch and Postgres
 * (unless MEILI_URL / DATABASE_URL point elsewhere), applies migrations, loads the demo
 * catalog, runs the ingest, serves demo media, and runs the Worker in workerd. Ctrl-C
 * stops everything it started.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { applyMigrations } from '../drizzle/migrate.js';
import { STACK_FILE, STATE_DIR, readStackInfo, type IngestConfig, type StackInfo } from '../ingest/config.js';
import { serve } from '@hono/node-server';
import pg from 'pg';
import { createTaskService } from '../ingest/tasks/service.js';
import { computeColors, liveColorTarget } from '../ingest/colors/color-job.js';
import type { MediaJobStats } from '../ingest/media-job.js';
import { computeWaveforms } from '../ingest/waveforms/waveform-job.js';
import { ensureDemoData } from './stack/demo-data.js';
import { startMediaServer } from './stack/media-server.js';
import { searchOnlyKey, startMeiliNodes, startMeilisearch } from './stack/meilisearch.js';
import type { NodeConfig } from '../ingest/shards/topology.js';
import { startNeonBridge } from './stack/neon-bridge.js';
import { freePort, isPortTaken, StackError } from './stack/ports.js';
import { checkDatabase, startEmbeddedPostgres } from './stack/postgres.js';
import { startWorker } from './stack/wrangler.js';
import { clearLedger, keepLedger, reapLeftovers, signalTracked, startReaper, trackedCount } from './stack/lifecycle.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const LEDGER_FILE = path.join(STATE_DIR, 'children');
const started = Date.now();
const stops: { name: string; stop: () => Promise<void> }[] = [];
let stopping: Promise<void> | null = null;
let firstSignalAt = 0;

/** How long a clean stop may take before what is left is killed (the promise is 10 s). */
const STOP_BUDGET_MS = 8000;

function log(msg: string): void {
  console.log(`[edgeverse] ${msg}`);
}

function intEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0 || n > 65_535 * 1000) throw new StackError(`${name}=${raw} is not a valid number`);
  return n;
}

async function requirePort(name: string, port: number): Promise<number> {
  if (await isPortTaken(port)) {
    throw new StackError(`port ${port} is taken (${name}): stop what uses it, or set ${name} to another port`);
  }
  return port;
}

/** The last step of every stop: nothing spawned survives it, the state files go. */
function finish(code: number, note?: string): never {
  signalTracked('SIGKILL');
  clearLedger();
  if (readStackInfo()?.pid === process.pid) rmSync(STACK_FILE, { force: true });
  if (note) log(note);
  process.exit(code);
}

/**
 * Stops everything once, whoever asks (signals, a failed start): every part in parallel,
 * each bounded, then the kill of anything left. Later calls share the first one's work.
 */
function shutdown(code: number): Promise<void> {
  stopping ??= (async () => {
    const parts = stops.splice(0).reverse();
    const pending = new Set(parts.map((p) => p.name));
    const watchdog = setTimeout(
      () => finish(code, `stopped (forced: ${[...pending].join(', ')} did not stop within ${STOP_BUDGET_MS / 1000} s)`),
      STOP_BUDGET_MS,
    );
    await Promise.allSettled(
      parts.map(({ name, stop }) =>
        stop()
          .catch((err: Error) => console.error(`[edgeverse] stopping ${name} failed: ${err.message}`))
          .finally(() => pending.delete(name)),
      ),
    );
    clearTimeout(watchdog);
    finish(code, parts.length || trackedCount() ? 'stopped' : undefined);
  })();
  return stopping;
}

function onSignal(signal: NodeJS.Signals): void {
  if (!stopping) {
    firstSignalAt = Date.now();
    log(`stopping (${signal}); press Ctrl-C again to force`);
    void shutdown(0);
    return;
  }
  // npm forwards the terminal's Ctrl-C that the launcher also received: one press arrives
  // twice within milliseconds. Only a later one is a request to force.
  if (Date.now() - firstSignalAt < 1000) return;
  finish(130, 'stopped (forced)');
}

/** A random secret generated once and kept in the state folder (mode 600). */
function stateSecret(name: string): string {
  const file = path.join(STATE_DIR, name);
  if (!existsSync(file)) writeFileSync(file, randomBytes(24).toString('hex'), { mode: 0o600 });
  return readFileSync(file, 'utf8').trim();
}

function masterKey(): string {
  return process.env.MEILI_MASTER_KEY || stateSecret('meili-master-key');
}

async function main(): Promise<void> {
  mkdirSync(STATE_DIR, { recursive: true });
  const running = readStackInfo();
  if (running?.pid && running.pid !== process.pid && isAlive(running.pid)) {
    throw new StackError(
      `a stack is already running (pid ${running.pid}, ${running.apiUrl ?? 'starting'}): stop it with Ctrl-C or \`kill ${running.pid}\``,
    );
  }
  // An earlier start that could not clean up (its machine or its reaper died too).
  const leftovers = await reapLeftovers(LEDGER_FILE);
  if (leftovers.length) log(`stopped what an earlier npm start left running: ${leftovers.join(', ')}`);
  keepLedger(LEDGER_FILE);
  startReaper(LEDGER_FILE, STACK_FILE);
  const apiPort = await requirePort('PORT', intEnv('PORT', 8787));
  const mediaPort = await requirePort('MEDIA_PORT', intEnv('MEDIA_PORT', 8790));
  const images = intEnv('DEMO_IMAGES', 20_000);
  const audio = intEnv('DEMO_AUDIO', 5_000);

  // Search engine: one node, or `SHARDS=N` nodes joined into a Meilisearch network.
  let meiliUrl = process.env.MEILI_URL;
  const key = masterKey();
  const shards = intEnv('SHARDS', 1);
  let meiliNodes: NodeConfig[] | undefined;
  let searchKey: string;
  if (shards > 1) {
    if (meiliUrl || process.env.MEILI_NODES)
      throw new StackError('SHARDS runs embedded Meilisearch nodes: unset MEILI_URL and MEILI_NODES');
    if (shards > 16) throw new StackError(`SHARDS=${shards}: at most 16 local nodes`);
    const base = intEnv('MEILI_PORT', 7700);
    const ports: number[] = [];
    for (let i = 0; i < shards; i++) ports.push(await requirePort('MEILI_PORT', base + i));
    const net = await startMeiliNodes({ count: shards, dataDir: STATE_DIR, ports, masterKey: key });
    stops.push({ name: `Meilisearch (${shards} nodes)`, stop: () => net.close() });
    meiliNodes = net.nodes;
    meiliUrl = net.nodes[0].url;
    searchKey = net.searchKey;
    log(`Meilisearch network of ${shards} shards: ${net.nodes.map((n) => `${n.name} ${n.url}`).join(', ')}`);
  } else {
    if (!meiliUrl) {
      const meiliPort = await requirePort('MEILI_PORT', intEnv('MEILI_PORT', 7700));
      const meili = await startMeilisearch({ dataDir: path.join(STATE_DIR, 'meilisearch'), port: meiliPort, masterKey: key });
      stops.push({ name: 'Meilisearch', stop: () => meili.close() });
      meiliUrl = meili.url;
      log(`Meilisearch ${meiliUrl} (data in ${path.relative(ROOT, STATE_DIR)}/meilisearch)`);
    } else {
      log(`Meilisearch ${meiliUrl} (external)`);
    }
    searchKey = await searchOnlyKey(meiliUrl, key);
  }

  // Database.
  let databaseUrl = process.env.DATABASE_URL;
  if (!databaseUrl) {
    const pgPort = await requirePort('PG_PORT', intEnv('PG_PORT', 54329));
    const pgServer = await startEmbeddedPostgres({ dataDir: path.join(STATE_DIR, 'pglite'), port: pgPort });
    stops.push({ name: 'Postgres (PGlite)', stop: () => pgServer.close() });
    databaseUrl = pgServer.url;
    log(`Postgres (embedded PGlite) 127.0.0.1:${pgPort}`);
  } else {
    await checkDatabase(databaseUrl);
    log('Postgres (DATABASE_URL)');
  }
  await applyMigrations(databaseUrl);
  log('migrations applied');

  const target = new URL(databaseUrl);
  const bridge = await startNeonBridge({
    port: await freePort(),
    target: { host: target.hostname, port: Number(target.port || 5432) },
  });
  stops.push({ name: 'Neon bridge', stop: () => bridge.close() });

  const media = await startMediaServer({ port: mediaPort, host: '127.0.0.1' });
  stops.push({ name: 'media server', stop: () => media.close() });
  log(`demo media ${media.url}`);

  const ingest: IngestConfig = {
    databaseUrl,
    upstreamUrl: databaseUrl,
    upstreamSchema: 'upstream',
    meiliUrl,
    meiliMasterKey: key,
    meiliNodes,
    indexPrefix: '',
  };
  const info: StackInfo = { databaseUrl, meiliUrl, meiliMasterKey: key, meiliNodes, upstreamSchema: 'upstream', pid: process.pid };
  writeFileSync(STACK_FILE, JSON.stringify(info, null, 2), { mode: 0o600 });
  const data = await ensureDemoData(ingest, { images, audio, mediaBaseUrl: media.url, log });
  if (!data.loaded && !data.ingested) log('demo catalog and indexes unchanged: reusing them');

  // The ingest task service, so the Worker's Cron Trigger works locally too.
  const ingestSecret = process.env.INGEST_SECRET || stateSecret('ingest-secret');
  const tasks = createTaskService({ config: ingest, secret: ingestSecret, log: announceTask });
  const ingestPort = await freePort();
  const ingestServer = serve({ fetch: tasks.app.fetch, port: ingestPort, hostname: '127.0.0.1' });
  log(`ingest task service http://127.0.0.1:${ingestPort}/tasks (Bearer: .state/ingest-secret)`);
  stops.push({
    name: 'ingest task service',
    stop: () =>
      new Promise((r) => {
        ingestServer.close(() => r());
        // Keep-alive connections (the Worker's cron calls) would hold close() open.
        (ingestServer as { closeAllConnections?: () => void }).closeAllConnections?.();
      }),
  });

  const worker = await startWorker({
    root: ROOT,
    stateDir: STATE_DIR,
    port: apiPort,
    onLine: announceMail,
    vars: {
      // A network: every node may coordinate (tried in order); the key is the same on each.
      MEILI_URL: meiliNodes ? meiliNodes.map((n) => n.url).join(',') : meiliUrl,
      MEILI_SEARCH_KEY: searchKey,
      MEILI_NETWORK: meiliNodes ? 'true' : 'false',
      DATABASE_URL: databaseUrl,
      NEON_WS_PROXY: bridge.url,
      INGEST_URL: `http://127.0.0.1:${ingestPort}`,
      INGEST_SECRET: ingestSecret,
      ENVIRONMENT: 'local',
      // `LOG_LEVEL=info npm start` shows a JSON line per request.
      LOG_LEVEL: process.env.LOG_LEVEL === 'info' || process.env.LOG_LEVEL === 'error' ? process.env.LOG_LEVEL : 'warn',
      // The demo media server is on loopback: let the thumbnail proxy reach it.
      ALLOW_PRIVATE_MEDIA: 'true',
      // Thumbnails resized as Openverse's Photon would: the media server plays Photon.
      PHOTON_ENDPOINT: `${media.url}/photon/`,
      // Local development is not throttled like the public API (override to try limits).
      THROTTLE_ANON_BURST: process.env.THROTTLE_ANON_BURST ?? '10000/min',
      THROTTLE_ANON_SUSTAINED: process.env.THROTTLE_ANON_SUSTAINED ?? '1000000/day',
    },
  });
  stops.push({ name: 'Worker', stop: () => worker.close() });
  const apiUrl = `http://localhost:${apiPort}`;
  // From now on, tasks (cron, CLI) tell the Worker when cached answers go stale.
  ingest.workerUrl = worker.url;
  ingest.workerSecret = ingestSecret;
  writeFileSync(STACK_FILE, JSON.stringify({ ...info, apiUrl, ingestSecret }, null, 2), { mode: 0o600 });

  log(`ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  // One after the other: each keeps a core busy for a while on a fresh demo catalog.
  void backfillWaveforms(databaseUrl).then(() => backfillColors(ingest));
  log(`search   ${apiUrl}/   (the search page; open it in a browser)`);
  log(`API      ${apiUrl}/v1/   (its documentation, Swagger UI)`);
  log(`OpenAPI  ${apiUrl}/v1/openapi.json`);
  log(`try      curl '${apiUrl}/v1/images/?q=mountain'`);
  log(`cron     curl '${apiUrl}/__scheduled?cron=0+*+*+*+*'   (hourly update; '0+3+*+*+0' = weekly refresh)`);
  log('Ctrl-C stops everything');
}

/** The task service's events (cron and CLI tasks) as lines the user reads; failures say so. */
function announceTask(line: Record<string, unknown>): void {
  const { msg, task_id, action, media_type, error } = line as Record<string, string | undefined>;
  if (msg === 'task failed')
    console.error(`[edgeverse] task ${task_id} (${action} ${media_type}) FAILED: ${error} (list: GET /tasks on the task service)`);
  else if (msg === 'task started' || msg === 'task succeeded') log(`task ${task_id} (${action} ${media_type}) ${msg.slice(5)}`);
  else console.log(JSON.stringify(line));
}

/** Locally the verification mail is not sent: its link is shown where the user looks. */
function announceMail(line: string): void {
  if (!line.includes('verification mail (local: not sent)')) return;
  // wrangler wraps the JSON line in its own decoration (colours, a WARNING prefix).
  const to = /"to":"([^"]*)"/.exec(line)?.[1];
  const link = /"verify_url":"([^"]*)"/.exec(line)?.[1];
  if (link) log(`mail to ${to}: verify the API key by opening ${link}`);
}

/** Demo tracks get their waveforms in the background once the API is up (idempotent). */
async function backfillWaveforms(databaseUrl: string): Promise<void> {
  // A benchmark of a large catalog skips it: hundreds of thousands of demo tracks would
  // keep the machine busy for an hour.
  if (process.env.WAVEFORM_BACKFILL === 'off') {
    log('waveforms: skipped (WAVEFORM_BACKFILL=off; `npm run waveforms` computes them)');
    return;
  }
  await backgroundJob('waveforms', databaseUrl, (client) => computeWaveforms(client, { concurrency: 4, allowPrivate: true }));
}

/**
 * Then demo images get their dominant colours (`color=`), set on the live documents as
 * they come (idempotent: a restart computes only what is missing).
 */
async function backfillColors(ingest: IngestConfig): Promise<void> {
  if (process.env.COLOR_BACKFILL === 'off') {
    log('colors: skipped (COLOR_BACKFILL=off; `npm run colors` computes them)');
    return;
  }
  await backgroundJob('colors', ingest.databaseUrl, async (client) =>
    computeColors(client, { concurrency: 4, allowPrivate: true, ...(await liveColorTarget(client, ingest)) }),
  );
}

/** Runs a media job on its own connection (closed by Ctrl-C) and prints its summary line. */
async function backgroundJob(name: string, databaseUrl: string, run: (client: pg.Client) => Promise<MediaJobStats>): Promise<void> {
  const client = new pg.Client({ connectionString: databaseUrl });
  client.on('error', () => {});
  stops.push({ name: `${name} job`, stop: () => client.end().catch(() => {}) });
  try {
    await client.connect();
    const stats = await run(client);
    // The demo points some works at dead links on purpose (404/410): not a failure to fix.
    const dead = stats.failed.filter((f) => /^HTTP (404|410)\b/.test(f.error)).length;
    // SVG pictures are not decoded (no pure-JS rasteriser): they have no colours.
    const svg = stats.failed.filter((f) => f.error.endsWith('(SVG)')).length;
    const failed = stats.failed.length - dead - svg;
    const parts = [`${stats.done} computed`];
    if (dead) parts.push(`${dead} skipped (their links are dead: the demo has some on purpose)`);
    if (svg) parts.push(`${svg} skipped (SVG pictures are not decoded)`);
    if (failed) parts.push(`${failed} failed (\`npm run ${name}\` retries them)`);
    if (stats.done || stats.failed.length) log(`${name}: ${parts.join(', ')}`);
  } catch (err) {
    if (!stopping) log(`${name}: stopped (${(err as Error).message})`);
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

process.on('SIGINT', onSignal);
process.on('SIGTERM', onSignal);
process.on('SIGHUP', onSignal);

main().catch((err: Error) => {
  // A start interrupted by Ctrl-C fails on the way down: that is the stop, not an error.
  if (stopping) return;
  const message = err instanceof StackError || err.name === 'MigrationError' ? err.message : `${err.name}: ${err.message}`;
  console.error(`[edgeverse] error: ${message}`);
  void shutdown(1);
});
