/**
 * The stack under test: `npm start` as a newcomer runs it, on a benchmark-specific state
 * folder and free ports, torn down with SIGTERM (and waited for) whatever happens.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { freePort, isPortTaken } from '../scripts/stack/ports.js';
import { cpuOf, processTree, type ProcInfo } from './proc.js';
import type { Cleanups } from './lifecycle.js';

export interface StackOptions {
  root: string;
  stateDir: string;
  images: number;
  audio: number;
  /** postgres://… of the machine's server (a database of our own is created), or null for PGlite. */
  databaseUrl: string | null;
  readyTimeoutMs: number;
  log: (line: string) => void;
  /** Meilisearch nodes (`SHARDS` of npm start; default 1). */
  shards?: number;
}

export interface Stack {
  apiUrl: string;
  meiliUrl: string;
  meiliMasterKey: string;
  databaseUrl: string;
  ports: Record<string, number>;
  readySeconds: number;
  /** Lines `npm start` printed before "ready in" (the catalog and ingest progress). */
  startupLines: string[];
  /** Lines printed after "ready in" (kept: the last 1,000). */
  linesAfterReady(): string[];
  /** Lines printed on stdout/stderr since `markOutput()`. */
  outputSince(): number;
  markOutput(): void;
  tree(): ProcInfo[];
  pid: number;
  stop(): Promise<void>;
}

/**
 * The media port of the last run on this state folder, if it is free: the demo catalog
 * stores media URLs, so a new port would mean a new catalog.
 */
async function keptMediaPort(portFile: string): Promise<number | undefined> {
  if (!existsSync(portFile)) return undefined;
  const kept = (JSON.parse(readFileSync(portFile, 'utf8')) as { MEDIA_PORT?: number }).MEDIA_PORT;
  return kept && !(await isPortTaken(kept)) ? kept : undefined;
}

export async function startStack(opts: StackOptions): Promise<Stack> {
  mkdirSync(opts.stateDir, { recursive: true });
  const portFile = path.join(opts.stateDir, 'bench-ports.json');
  const ports = {
    PORT: await freePort(),
    MEDIA_PORT: (await keptMediaPort(portFile)) ?? (await freePort()),
    MEILI_PORT: await freePort(),
    PG_PORT: await freePort(),
  };
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    EDGEVERSE_STATE_DIR: opts.stateDir,
    DEMO_IMAGES: String(opts.images),
    DEMO_AUDIO: String(opts.audio),
    // Far above anything the load generator can reach, so nothing is throttled; the
    // rate-limiter Durable Object is still called on every request, as in production.
    THROTTLE_ANON_BURST: '100000000/min',
    THROTTLE_ANON_SUSTAINED: '1000000000/day',
    // Waveforms play no part in search; computing them for every demo track would keep
    // the machine busy for up to an hour at 1M documents.
    WAVEFORM_BACKFILL: 'off',
    // Colours neither: an hour of CPU at 20,000 images, which waitUntilIdle would wait for.
    COLOR_BACKFILL: 'off',
    SHARDS: String(opts.shards ?? 1),
  };
  for (const [k, v] of Object.entries(ports)) env[k] = String(v);
  delete env.MEILI_URL;
  delete env.MEILI_MASTER_KEY;
  if (opts.databaseUrl) env.DATABASE_URL = opts.databaseUrl;
  else delete env.DATABASE_URL;

  const started = Date.now();
  // Own process group: a terminal Ctrl-C reaches the benchmark, which then stops the
  // stack with SIGTERM (npm forwards it to start.ts) and waits.
  const child: ChildProcess = spawn('npm', ['start'], { cwd: opts.root, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  const pid = child.pid!;
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  let dead = false;
  void exited.then(() => (dead = true));

  let ready = false;
  let lines = 0;
  let mark = 0;
  const startupLines: string[] = [];
  const afterReady: string[] = [];
  const tail: string[] = [];
  const onLine = (line: string) => {
    lines++;
    tail.push(line);
    if (tail.length > 40) tail.shift();
    if (!ready) {
      startupLines.push(line);
      opts.log(`  | ${line}`);
      if (line.includes('ready in')) ready = true;
    } else if (!line.startsWith('{')) {
      // (JSON lines are the Worker's request logs.)
      afterReady.push(line);
      if (afterReady.length > 1000) afterReady.shift();
    }
  };
  for (const stream of [child.stdout!, child.stderr!]) {
    let rest = '';
    stream.on('data', (chunk: Buffer) => {
      const parts = (rest + chunk.toString()).split('\n');
      rest = parts.pop() ?? '';
      for (const l of parts) onLine(l);
    });
  }

  let stopping: Promise<void> | null = null;
  const stop = () =>
    (stopping ??= (async () => {
      if (dead) return;
      try {
        process.kill(pid, 'SIGTERM');
      } catch {
        /* gone */
      }
      const timer = setTimeout(() => {
        opts.log('npm start did not stop within 60 s of SIGTERM: killing its process group');
        try {
          process.kill(-pid, 'SIGKILL');
        } catch {
          /* gone */
        }
      }, 60_000);
      await exited;
      clearTimeout(timer);
    })());

  try {
    const deadline = Date.now() + opts.readyTimeoutMs;
    while (!ready) {
      if (dead) throw new Error(`npm start exited before it was ready:\n${tail.join('\n')}`);
      if (Date.now() > deadline) throw new Error(`npm start was not ready within ${opts.readyTimeoutMs / 1000} s:\n${tail.join('\n')}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  } catch (err) {
    await stop();
    throw err;
  }
  const readySeconds = (Date.now() - started) / 1000;
  const stackFile = path.join(opts.stateDir, 'stack.json');
  if (!existsSync(stackFile)) {
    await stop();
    throw new Error(`${stackFile} missing after "ready in"`);
  }
  const info = JSON.parse(readFileSync(stackFile, 'utf8')) as {
    databaseUrl: string;
    meiliUrl: string;
    meiliMasterKey: string;
    apiUrl?: string;
  };
  writeFileSync(portFile, JSON.stringify({ MEDIA_PORT: ports.MEDIA_PORT }));
  return {
    apiUrl: `http://127.0.0.1:${ports.PORT}`,
    meiliUrl: info.meiliUrl,
    meiliMasterKey: info.meiliMasterKey,
    databaseUrl: info.databaseUrl,
    ports,
    readySeconds,
    startupLines,
    linesAfterReady: () => [...afterReady],
    outputSince: () => lines - mark,
    markOutput: () => void (mark = lines),
    tree: () => processTree(pid),
    pid,
    stop,
  };
}

/**
 * `npm start` of the code in `root` on `stateDir` (a fresh one) with the demo catalog
 * (`images`, and a quarter as many tracks) in a database of its own on the machine's
 * server, waited for until idle; stopping it and dropping the database are registered.
 */
export async function startIdleStack(o: {
  root: string;
  stateDir: string;
  adminUrl: string;
  database: string;
  images: number;
  shards?: number;
  cleanups: Cleanups;
  log: (line: string) => void;
  /** `npm start`'s own lines until ready (default: none). */
  stackLog?: (line: string) => void;
}): Promise<Stack> {
  prepareStateDir(o.stateDir, false);
  const db = await ownDatabase(o.adminUrl, o.database, false);
  o.cleanups.add(() => db.drop());
  const stack = await startStack({
    root: o.root,
    stateDir: o.stateDir,
    images: o.images,
    audio: Math.floor(o.images / 4),
    databaseUrl: db.url,
    readyTimeoutMs: Math.max(300_000, o.images * 10),
    shards: o.shards,
    log: o.stackLog ?? (() => {}),
  });
  o.cleanups.add(() => stack.stop());
  await waitUntilIdle(stack, { databaseUrl: db.url, log: o.log });
  return stack;
}

/** The benchmark's own database on the machine's server: created (or kept with reuse), dropped by `drop`. */
export async function ownDatabase(adminUrl: string, name: string, reuse: boolean): Promise<{ url: string; drop: () => Promise<void> }> {
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    const { rowCount } = await admin.query('select 1 from pg_database where datname = $1', [name]);
    if (rowCount && !reuse) await admin.query(`drop database ${name} with (force)`);
    if (!rowCount || !reuse) await admin.query(`create database ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const c = new pg.Client({ connectionString: adminUrl });
      await c.connect();
      try {
        await c.query(`drop database if exists ${name} with (force)`);
      } finally {
        await c.end();
      }
    },
  };
}

/** Fresh run: the whole state folder goes; reuse: only the Worker's local KV/DO state (old cache entries). */
export function prepareStateDir(stateDir: string, reuse: boolean): void {
  if (!reuse) rmSync(stateDir, { recursive: true, force: true });
  else rmSync(path.join(stateDir, 'wrangler-state'), { recursive: true, force: true });
  rmSync(path.join(stateDir, 'stack.json'), { force: true });
}

/**
 * A copy of the working tree (tracked and untracked, not ignored files; node_modules
 * linked) for the stack to run from: `wrangler dev` rebuilds and restarts workerd when a
 * source file changes, so edits made elsewhere during a run would restart the Worker
 * mid-measurement and change the code under test. Returns the folder and a description.
 */
export function snapshotSource(root: string): { dir: string; describe: string; remove: () => void } {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'edgeverse-bench-src-'));
  const list = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: root, encoding: 'utf8' })
    .split('\0')
    .filter(Boolean);
  let copied = 0;
  for (const rel of list) {
    const from = path.join(root, rel);
    if (!existsSync(from)) continue; // deleted in the working tree
    mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    cpSync(from, path.join(dir, rel));
    copied++;
  }
  symlinkSync(path.join(root, 'node_modules'), path.join(dir, 'node_modules'));
  const head = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: root, encoding: 'utf8' }).trim();
  const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], { cwd: root, encoding: 'utf8' })
    .split('\n')
    .filter(Boolean).length;
  return {
    dir,
    describe: `working tree at ${new Date().toISOString().slice(11, 19)} UTC: HEAD ${head}${dirty ? ` + ${dirty} modified tracked files` : ''} (${copied} files copied to ${dir})`,
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/**
 * Waits until `npm start`'s work after "ready" is over: three 2-second windows in a row
 * with the stack's processes under 0.1 CPUs and no query running in its database (when
 * it is the machine's server; PGlite runs inside start.ts, so its work shows as CPU).
 * Returns the seconds waited. (The stack runs with WAVEFORM_BACKFILL=off and
 * COLOR_BACKFILL=off, so there is no hour-long background job to wait for.)
 */
export async function waitUntilIdle(
  s: Stack,
  opts: { databaseUrl?: string | null; log?: (line: string) => void; timeoutMs?: number } = {},
): Promise<number> {
  const started = Date.now();
  const timeoutMs = opts.timeoutMs ?? 3_600_000;
  const activeQueries = async () => {
    if (!opts.databaseUrl) return 0;
    const c = new pg.Client({ connectionString: opts.databaseUrl });
    await c.connect();
    try {
      const { rows } = await c.query<{ n: string }>(
        "select count(*) as n from pg_stat_activity where datname = current_database() and state = 'active' and pid <> pg_backend_pid()",
      );
      return Number(rows[0].n);
    } finally {
      await c.end();
    }
  };
  const roles = ['stack', 'meilisearch', 'workerd', 'wrangler'];
  const cpu = () =>
    s
      .tree()
      .filter((p) => roles.includes(p.role))
      .reduce((a, p) => a + (cpuOf(p.pid) ?? 0), 0);
  let lastSaid = 0;
  for (let quiet = 0; quiet < 3; ) {
    const a = cpu();
    await new Promise((r) => setTimeout(r, 2000));
    const used = (cpu() - a) / 2;
    const queries = await activeQueries();
    if (used < 0.1 && queries === 0) {
      quiet++;
      continue;
    }
    quiet = 0;
    if (opts.log && Date.now() - lastSaid > 30_000) {
      opts.log(`waiting for the stack to go idle (its processes use ${used.toFixed(2)} CPUs, ${queries} queries running)`);
      lastSaid = Date.now();
    }
    if (Date.now() - started > timeoutMs) throw new Error(`the stack did not go idle within ${timeoutMs / 60_000} minutes`);
  }
  return (Date.now() - started) / 1000;
}
