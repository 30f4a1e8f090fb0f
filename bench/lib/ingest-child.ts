/**
 * Runs the production ingest CLI (`ingest/bin/ingest.ts refresh`) as a child process and
 * watches it: wall time, peak RSS (/proc VmHWM every 100 ms, getrusage at exit), CPU
 * seconds of the child, of Meilisearch and of the child's Postgres backends, and the
 * timeline of its progress lines.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { cpuOf, memOf } from '../../harness/proc.js';
import type { BenchDatabase, BenchMeili, Teardown } from './services.js';
import { stopChild } from '../../scripts/stack/child.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const secs = (ms: number) => ms / 1000;

export interface IngestChildOptions {
  /** Extra Node flags before the script (e.g. `--max-old-space-size=256`). */
  nodeArgs?: string[];
  /** Extra environment for the child. */
  env?: Record<string, string>;
  /** Script and arguments instead of the production CLI (`ingest/bin/ingest.ts refresh --media image`). */
  script?: string[];
  log?: (line: string) => void;
}

export interface IngestRun {
  seconds: number;
  documents: number;
  peakRss: number | null;
  rusage: { maxRssBytes: number; userSeconds: number; systemSeconds: number } | null;
  nodeCpu: number | null;
  meiliCpu: number | null;
  postgresCpu: number | null;
  meiliPeakRss: number | null;
  /** Seconds from spawn to: the read loop done, indexing done (checks start), promoted, exit. */
  phases: { readDone: number | null; checking: number | null; promoting: number | null; done: number | null };
  summary: string[];
}

/**
 * The Node flags `npm run ingest` runs the job with (its heap cap), read from
 * package.json so the benchmark measures the job as it ships.
 */
export function productionNodeArgs(): string[] {
  const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
  const m = /\bnode\s+(.*?)\s*--import tsx ingest\/bin\/ingest\.ts/.exec(pkg.scripts.ingest);
  return m?.[1] ? m[1].split(/\s+/) : [];
}

/** Runs the production CLI refresh in a child process and watches it. */
export async function runIngest(
  db: BenchDatabase,
  meili: BenchMeili,
  scratch: string,
  teardown: Teardown,
  opts: IngestChildOptions = {},
): Promise<IngestRun> {
  const log = opts.log ?? (() => {});
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATABASE_URL: db.url,
    MEILI_URL: meili.url,
    MEILI_MASTER_KEY: meili.masterKey,
    INDEX_PREFIX: meili.indexPrefix,
    // Never pick up a running local stack's .state/stack.json.
    EDGEVERSE_STATE_DIR: scratch,
    BENCH_RUSAGE_FILE: path.join(scratch, 'rusage.json'),
    ...opts.env,
  };
  // Upstream = DATABASE_URL, schema `upstream`; no Worker to notify.
  for (const key of ['UPSTREAM_DATABASE_URL', 'UPSTREAM_SCHEMA', 'WORKER_URL', 'INGEST_SECRET', 'SENSITIVE_TERMS_FILE']) delete env[key];

  // Backend CPU of the ingest's Postgres connections (local server only).
  const monitor = db.local && db.name ? new pg.Client({ connectionString: db.url }) : null;
  monitor?.on('error', () => {});
  await monitor?.connect();
  const backendCpu = new Map<number, number>();
  let monitorBusy = false;
  const sampleBackends = async () => {
    if (!monitor || monitorBusy) return;
    monitorBusy = true;
    try {
      const { rows } = await monitor.query<{ pid: number }>(
        'select pid from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()',
      );
      for (const { pid } of rows) {
        const cpu = cpuOf(pid);
        if (cpu !== null) backendCpu.set(pid, cpu);
      }
    } catch {
      // best effort
    } finally {
      monitorBusy = false;
    }
  };

  const meiliCpuStart = meili.pid ? cpuOf(meili.pid) : null;
  const t0 = performance.now();
  const child = spawn(
    process.execPath,
    [
      ...(opts.nodeArgs ?? productionNodeArgs()),
      '--import',
      'tsx',
      '--import',
      './bench/lib/exit-rusage.ts',
      ...(opts.script ?? ['ingest/bin/ingest.ts', 'refresh', '--media', 'image']),
    ],
    { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  // Ctrl-C reaches the child too (same process group); this covers SIGTERM and failures:
  // the refresh aborts and undoes its staging work before the database is dropped.
  const stopIngest = teardown.add('stop the ingest process', () => stopChild(child, { graceMs: 10_000 }));

  let stdout = '';
  let stderrTail = '';
  const phases: IngestRun['phases'] = { readDone: null, checking: null, promoting: null, done: null };
  let partial = '';
  let lastLogged = 0;
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr!.on('data', (d: Buffer) => {
    const t = secs(performance.now() - t0);
    const text = partial + d.toString();
    const lines = text.split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) {
      stderrTail = `${stderrTail}${line}\n`.slice(-4000);
      const m = /^image (\w+)\s+\d+%\s+read (\d+)\/(\d+)\s+indexed (\d+)/.exec(line);
      if (!m) continue;
      const [, phase, read, total] = m;
      if (phases.readDone === null && Number(read) >= Number(total)) phases.readDone = t;
      if (phase === 'checking') phases.checking ??= t;
      if (phase === 'promoting') phases.promoting ??= t;
      if (phase === 'done') phases.done ??= t;
      if (t - lastLogged >= 30) {
        lastLogged = t;
        log(`  ${line.trim()}`);
      }
    }
  });

  let peakRss: number | null = null;
  let meiliPeakRss: number | null = null;
  let nodeCpu: number | null = null;
  let meiliCpuEnd: number | null = meiliCpuStart;
  const poll = () => {
    if (child.pid) {
      const mem = memOf(child.pid);
      if (mem) peakRss = Math.max(peakRss ?? 0, mem.hwm, mem.rss);
      nodeCpu = cpuOf(child.pid) ?? nodeCpu;
    }
    if (meili.pid) {
      const mem = memOf(meili.pid);
      if (mem) meiliPeakRss = Math.max(meiliPeakRss ?? 0, mem.rss);
      meiliCpuEnd = cpuOf(meili.pid) ?? meiliCpuEnd;
    }
  };
  const timer = setInterval(poll, 100);
  const pgTimer = setInterval(() => void sampleBackends(), 1000);
  let code: number | null;
  try {
    code = await exited;
  } finally {
    clearInterval(timer);
    clearInterval(pgTimer);
    await stopIngest();
    await monitor?.end().catch(() => {});
  }
  const seconds = secs(performance.now() - t0);
  poll();
  if (code !== 0) throw new Error(`ingest exited with ${code}:\n${stderrTail}${stdout}`);
  const summary = stdout.trim().split('\n');
  const docs = /: (\d+) documents,/.exec(stdout);
  if (!docs) throw new Error(`no summary in the ingest output:\n${stdout}`);
  let rusage: IngestRun['rusage'] = null;
  try {
    rusage = JSON.parse(readFileSync(path.join(scratch, 'rusage.json'), 'utf8'));
  } catch {
    // the preload did not run
  }
  if (rusage) peakRss = Math.max(peakRss ?? 0, rusage.maxRssBytes);
  return {
    seconds,
    documents: Number(docs[1]),
    peakRss,
    rusage,
    nodeCpu: rusage ? rusage.userSeconds + rusage.systemSeconds : nodeCpu,
    meiliCpu: meiliCpuStart !== null && meiliCpuEnd !== null ? meiliCpuEnd - meiliCpuStart : null,
    postgresCpu: backendCpu.size ? [...backendCpu.values()].reduce((a, b) => a + b, 0) : null,
    meiliPeakRss,
    phases,
    summary,
  };
}
