/**
 * `npm run check:prod-install`: the ingest as a production machine runs it. A copy of the
 * source (the files git tracks or would track, as they are now) gets `npm ci --omit=dev`
 * with the machine's own npm and Node (none of this checkout's node_modules on PATH); then
 * in the copy `npm run migrate` fills a new database and `npm run ingest:service` must
 * answer: 401 without the shared secret, 200 with it. Exits non-zero on any failure.
 *
 * Needs DATABASE_URL: a Postgres server where it may create (and then drops) a database.
 */
import { spawn, spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { stopChild } from '../stack/child.js';
import { freePort, waitFor } from '../stack/ports.js';
import { createDatabase } from '../stack/postgres.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const serverUrl = process.env.DATABASE_URL;
if (!serverUrl) {
  console.error('check:prod-install: set DATABASE_URL to a Postgres server where the check may create a database');
  process.exit(2);
}

const tmp = mkdtempSync(path.join(os.tmpdir(), 'edgeverse-prod-'));
const copy = path.join(tmp, 'edgeverse');
const cleanups: (() => Promise<void>)[] = [async () => rmSync(tmp, { recursive: true, force: true })];

async function finish(code: number, msg: string): Promise<never> {
  for (const cleanup of cleanups.reverse()) await cleanup().catch((err: Error) => console.error(`cleanup: ${err.message}`));
  (code ? console.error : console.log)(`check:prod-install: ${msg}`);
  process.exit(code);
}

// The machine as a production host sees it: this checkout's node_modules (its Node 22
// among them) off PATH, and no npm_* settings inherited from the `npm run` around us.
const machineEnv: NodeJS.ProcessEnv = {};
for (const [k, v] of Object.entries(process.env)) if (!k.toLowerCase().startsWith('npm_')) machineEnv[k] = v;
machineEnv.PATH = (process.env.PATH ?? '')
  .split(path.delimiter)
  .filter((dir) => !path.resolve(dir).startsWith(path.join(ROOT, 'node_modules')))
  .join(path.delimiter);
// The same npm cache: what this checkout's install downloaded, the copy finds there.
if (process.env.npm_config_cache) machineEnv.npm_config_cache = process.env.npm_config_cache;

function inCopy(args: string[], env: NodeJS.ProcessEnv = machineEnv): SpawnSyncReturns<string> {
  return spawnSync('npm', args, { cwd: copy, env, encoding: 'utf8' });
}

async function must(run: SpawnSyncReturns<string>, what: string): Promise<string> {
  if (run.status !== 0)
    await finish(
      1,
      `FAILED: ${what} exited with ${run.status}:\n${`${run.stdout}\n${run.stderr}`.trim().split('\n').slice(-25).join('\n')}`,
    );
  return run.stdout;
}

// The source as it stands (committed or not, deletions included), without anything git ignores.
const files = spawnSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: ROOT, encoding: 'utf8' });
if (files.status !== 0) await finish(1, `FAILED: git ls-files: ${files.stderr}`);
for (const file of files.stdout.split('\0').filter(Boolean)) {
  if (!existsSync(path.join(ROOT, file))) continue;
  mkdirSync(path.dirname(path.join(copy, file)), { recursive: true });
  cpSync(path.join(ROOT, file), path.join(copy, file), { force: false, errorOnExist: false });
}

const machineNode = spawnSync('node', ['--version'], { env: machineEnv, encoding: 'utf8' }).stdout.trim();
const installStarted = Date.now();
await must(inCopy(['ci', '--omit=dev', '--no-audit', '--no-fund']), 'npm ci --omit=dev');
const scriptsNode = (await must(inCopy(['exec', '--offline', '--', 'node', '--version']), 'node in npm scripts')).trim();
console.log(
  `check:prod-install: npm ci --omit=dev in ${((Date.now() - installStarted) / 1000).toFixed(1)} s; machine Node ${machineNode}, npm scripts run on ${scriptsNode}`,
);
// The ingest runs in production on the Node the tests ran on: the `node` dependency.
const bundledNode = (JSON.parse(readFileSync(path.join(copy, 'package.json'), 'utf8')) as { dependencies?: Record<string, string> })
  .dependencies?.node;
if (scriptsNode !== `v${bundledNode}`)
  await finish(
    1,
    `FAILED: npm scripts run on Node ${scriptsNode}, not on the project's Node ${bundledNode ?? '(no `node` in dependencies)'}`,
  );

const database = await createDatabase(serverUrl, `edgeverse_prodcheck_${randomBytes(4).toString('hex')}`);
cleanups.push(() => database.close());
const serviceEnv: NodeJS.ProcessEnv = {
  ...machineEnv,
  DATABASE_URL: database.url,
  // The service reaches Meilisearch only when a task runs; none does here.
  MEILI_URL: `http://127.0.0.1:${await freePort()}`,
  MEILI_MASTER_KEY: randomBytes(16).toString('hex'),
  INGEST_SECRET: randomBytes(24).toString('hex'),
  INGEST_PORT: String(await freePort()),
  EDGEVERSE_STATE_DIR: path.join(tmp, 'state'),
};
await must(inCopy(['run', '--silent', 'migrate'], serviceEnv), 'npm run migrate');

const service = spawn('npm', ['run', '--silent', 'ingest:service'], {
  cwd: copy,
  env: serviceEnv,
  detached: true,
  stdio: ['ignore', 'pipe', 'pipe'],
});
let output = '';
for (const stream of [service.stdout, service.stderr]) stream.on('data', (chunk: Buffer) => (output += chunk.toString()));
const kill = (signal: NodeJS.Signals) => {
  try {
    process.kill(-service.pid!, signal);
  } catch {
    /* gone */
  }
};
cleanups.push(() => stopChild(service, { kill }));

const url = `http://127.0.0.1:${serviceEnv.INGEST_PORT}/tasks`;
try {
  await waitFor('the ingest task service', async () => service.exitCode !== null || (await fetch(url)).status > 0, 30_000);
  if (service.exitCode !== null) throw new Error(`it exited with ${service.exitCode}`);
} catch (err) {
  await finish(1, `FAILED: npm run ingest:service did not answer: ${(err as Error).message}\n${output.trim()}`);
}
const anonymous = await fetch(url);
const authorized = await fetch(url, { headers: { Authorization: `Bearer ${serviceEnv.INGEST_SECRET}` } });
const body = await authorized.text();
if (anonymous.status !== 401 || authorized.status !== 200) {
  await finish(
    1,
    `FAILED: GET /tasks answered ${anonymous.status} without the secret (want 401) and ${authorized.status} with it (want 200): ${body}`,
  );
}
await finish(0, `passed: migrations applied and the ingest task service answered (401 without the secret, 200 with it: ${body.trim()})`);
