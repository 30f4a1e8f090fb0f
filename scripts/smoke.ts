/**
 * Smoke test of the embedded path, as a newcomer runs it: `npm start` with no external
 * services, one search answered, the search page served at `/`, then SIGTERM and a check
 * that every process it started is gone. Used by `.ci/run`; exits non-zero on any failure.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort, isPortTaken } from './stack/ports.js';

const stateDir = mkdtempSync(path.join(os.tmpdir(), 'edgeverse-smoke-'));
const ports = { PORT: await freePort(), MEDIA_PORT: await freePort(), MEILI_PORT: await freePort(), PG_PORT: await freePort() };
const env: NodeJS.ProcessEnv = { ...process.env, EDGEVERSE_STATE_DIR: stateDir };
for (const [k, v] of Object.entries(ports)) env[k] = String(v);
delete env.DATABASE_URL;
delete env.MEILI_URL;
delete env.MEILI_MASTER_KEY;

const started = Date.now();
const child = spawn('npm', ['start'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
let output = '';
child.stdout.on('data', (d: Buffer) => {
  output += d;
  process.stdout.write(d);
});
child.stderr.on('data', (d: Buffer) => {
  output += d;
  process.stderr.write(d);
});
const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));

function fail(msg: string): never {
  console.error(`smoke: FAILED: ${msg}`);
  child.kill('SIGKILL');
  rmSync(stateDir, { recursive: true, force: true });
  process.exit(1);
}

const deadline = Date.now() + 5 * 60_000;
while (!output.includes('ready in')) {
  if (output.includes('error:')) fail('npm start reported an error');
  if (Date.now() > deadline) fail('npm start was not ready within 5 minutes');
  await new Promise((r) => setTimeout(r, 250));
}
const readyAfter = (Date.now() - started) / 1000;

const res = await fetch(`http://127.0.0.1:${ports.PORT}/v1/images/?q=mountain`);
const body = (await res.json()) as { result_count: number; results: unknown[] };
if (res.status !== 200 || body.results.length === 0) fail(`search answered ${res.status} with ${body.results?.length} results`);
const firstAnswer = (Date.now() - started) / 1000;
// The quick start's first stop: the search page at / (a static asset) with its script.
const pageRes = await fetch(`http://127.0.0.1:${ports.PORT}/`);
const pageHtml = await pageRes.text();
if (pageRes.status !== 200 || !/<script type="module" src="\/static\/page-[A-Z0-9]+\.js"><\/script>/.test(pageHtml)) {
  fail(`GET / answered ${pageRes.status} without the search page: ${pageHtml.slice(0, 200)}`);
}

child.kill('SIGTERM');
const code = await Promise.race([exited, new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), 20_000))]);
if (code === 'timeout') fail('npm start did not stop within 20 s of SIGTERM');
for (const [name, port] of Object.entries(ports)) {
  if (await isPortTaken(port)) fail(`${name} ${port} still in use after shutdown: a process was left behind`);
}
rmSync(stateDir, { recursive: true, force: true });
console.log(
  `smoke: ready after ${readyAfter.toFixed(1)} s, first search answered after ${firstAnswer.toFixed(1)} s (${body.result_count} results), search page served, clean shutdown (exit ${code})`,
);
console.log('smoke: passed');
