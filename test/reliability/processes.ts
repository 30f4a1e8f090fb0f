/**
 * Dependency processes a reliability test can stop, freeze and restart on the same port
 * and data folder while the Worker keeps running: Meilisearch (the embedded binary) and
 * Postgres (the machine's PostgreSQL binaries in a throwaway cluster, else PGlite in a
 * child process). Linux only, like the embedded Meilisearch.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startMeilisearch, type MeiliServer } from '../../scripts/stack/meilisearch.js';
import { StackError, waitFor } from '../../scripts/stack/ports.js';
import { exitOf, stopChild } from '../../scripts/stack/child.js';
import { postgresAnswers } from '../../scripts/stack/postgres.js';

/** A server process under test control. `pid()` is null while it is down. */
export interface ControlledProcess {
  url: string;
  /** What runs: e.g. `PostgreSQL 15 (own cluster)` or `Meilisearch`. */
  label: string;
  pid(): number | null;
  /** Every pid of the server (a PostgreSQL postmaster and its children). */
  pids(): number[];
  /** SIGSTOP: the port stays open, nothing answers. */
  pause(): void;
  /** SIGCONT after `pause`. */
  resume(): void;
  /** Stops the process the way a crash would (SIGKILL; PostgreSQL: immediate shutdown, SIGQUIT) and waits for it. */
  kill(): Promise<void>;
  /** Starts it again on the same port and data folder and waits until it answers. */
  start(): Promise<void>;
  /** Stops it for good (resuming it first if paused). */
  close(): Promise<void>;
}

function signal(pid: number | null, sig: NodeJS.Signals): void {
  if (!pid) return;
  try {
    process.kill(pid, sig);
  } catch {
    /* gone */
  }
}

/** Meilisearch on a fixed port and data folder, restartable. */
export async function controlledMeilisearch(opts: { dataDir: string; port: number; masterKey: string }): Promise<ControlledProcess> {
  let server: MeiliServer | null = await startMeilisearch(opts);
  const url = server.url;
  const pid = () =>
    server && server.process.exitCode === null && server.process.signalCode === null ? (server.process.pid ?? null) : null;
  return {
    url,
    label: 'Meilisearch',
    pid,
    pids: () => [pid()].filter((p): p is number => p !== null),
    pause: () => signal(pid(), 'SIGSTOP'),
    resume: () => signal(pid(), 'SIGCONT'),
    async kill() {
      if (!server) return;
      const s = server;
      server = null;
      s.process.kill('SIGKILL');
      await exitOf(s.process);
    },
    async start() {
      if (pid()) throw new Error('Meilisearch is already running');
      server = await startMeilisearch(opts);
    },
    async close() {
      signal(pid(), 'SIGCONT');
      await server?.close();
      server = null;
    },
  };
}

/** The machine's PostgreSQL binaries (`PG_BIN`, else the newest /usr/lib/postgresql/N/bin, else PATH), or null. */
export function postgresBinaries(): { postgres: string; initdb: string; version: string } | null {
  const dirs: string[] = [];
  if (process.env.PG_BIN) dirs.push(process.env.PG_BIN);
  try {
    const versions = readdirSync('/usr/lib/postgresql')
      .filter((v) => /^\d+$/.test(v))
      .sort((a, b) => Number(b) - Number(a));
    dirs.push(...versions.map((v) => `/usr/lib/postgresql/${v}/bin`));
  } catch {
    /* not a Debian layout */
  }
  dirs.push(...(process.env.PATH ?? '').split(':').filter(Boolean));
  for (const dir of dirs) {
    const postgres = path.join(dir, 'postgres');
    const initdb = path.join(dir, 'initdb');
    if (existsSync(postgres) && existsSync(initdb)) {
      try {
        const version = execFileSync(postgres, ['--version'], { encoding: 'utf8' }).trim();
        return { postgres, initdb, version };
      } catch {
        /* not runnable */
      }
    }
  }
  return null;
}

/** PostgreSQL refuses to run as root: as root, the cluster belongs to the `postgres` user. */
function runAs(): { uid: number; gid: number } | null {
  if (process.getuid?.() !== 0) return null;
  const line = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((l) => l.startsWith('postgres:'));
  if (!line) throw new StackError('running as root and there is no `postgres` user to own a PostgreSQL cluster');
  const [, , uid, gid] = line.split(':');
  return { uid: Number(uid), gid: Number(gid) };
}

/**
 * A PostgreSQL cluster of its own (initdb into `dataDir`, trust auth, loopback only), or,
 * without PostgreSQL binaries, PGlite served by a child Node process on the same terms.
 * `kill()` is an immediate shutdown (SIGQUIT: no checkpoint, crash recovery on the next
 * start) for PostgreSQL; PGlite gets SIGTERM (it has no crash recovery to test).
 */
export async function controlledPostgres(opts: {
  dataDir: string;
  port: number;
  log?: (line: string) => void;
}): Promise<ControlledProcess> {
  const bins = process.env.RELIABILITY_PGLITE ? null : postgresBinaries();
  return bins ? ownCluster(opts, bins) : pgliteChild(opts);
}

async function ownCluster(
  opts: { dataDir: string; port: number; log?: (line: string) => void },
  bins: { postgres: string; initdb: string; version: string },
): Promise<ControlledProcess> {
  const owner = runAs();
  const cluster = path.join(opts.dataDir, 'cluster');
  mkdirSync(cluster, { recursive: true, mode: 0o700 });
  if (owner) {
    chownSync(opts.dataDir, owner.uid, owner.gid);
    chownSync(cluster, owner.uid, owner.gid);
    // The `postgres` user must be able to reach the folder: folders we own above it
    // (e.g. a mkdtemp folder, mode 700) become traversable, not readable.
    for (let dir = path.dirname(opts.dataDir); dir !== path.dirname(dir); dir = path.dirname(dir)) {
      const st = statSync(dir);
      if (st.uid === process.getuid?.() && !(st.mode & 0o001)) chmodSync(dir, (st.mode & 0o7777) | 0o111);
    }
  }
  const ids = owner ? { uid: owner.uid, gid: owner.gid } : {};
  if (!existsSync(path.join(cluster, 'PG_VERSION'))) {
    try {
      execFileSync(bins.initdb, ['-D', cluster, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--no-sync'], {
        ...ids,
        stdio: 'pipe',
        cwd: opts.dataDir,
      });
    } catch (err) {
      throw new StackError(`initdb failed: ${String((err as { stderr?: Buffer }).stderr ?? (err as Error).message).trim()}`);
    }
  }
  const url = `postgres://postgres@127.0.0.1:${opts.port}/postgres`;
  const server = sqlServerProcess(
    'PostgreSQL',
    url,
    () =>
      spawn(
        bins.postgres,
        [
          '-D',
          cluster,
          '-p',
          String(opts.port),
          '-c',
          'listen_addresses=127.0.0.1',
          '-c',
          `unix_socket_directories=${cluster}`,
          '-c',
          'max_connections=60',
          '-c',
          'shared_buffers=32MB',
        ],
        { ...ids, stdio: ['ignore', 'ignore', 'pipe'], cwd: opts.dataDir },
      ),
    opts.log,
  );
  /** The postmaster and its children (backends, checkpointer, …). */
  const children = (): number[] => {
    const root = server.pid();
    if (!root) return [];
    const out: number[] = [root];
    for (const name of readdirSync('/proc')) {
      if (!/^\d+$/.test(name)) continue;
      try {
        const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
        if (Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === root) out.push(Number(name));
      } catch {
        /* gone */
      }
    }
    return out;
  };
  await server.start();
  return {
    url,
    label: `${bins.version.replace(/^postgres \(PostgreSQL\) /, 'PostgreSQL ')} (a cluster of its own)`,
    pid: server.pid,
    pids: children,
    // The whole server: the postmaster and every backend (a frozen machine, not a frozen listener).
    pause: () => {
      for (const p of children()) signal(p, 'SIGSTOP');
    },
    resume: () => {
      for (const p of children()) signal(p, 'SIGCONT');
    },
    kill: () => server.stop('SIGQUIT', children()),
    start: server.start,
    close: () => server.stop('SIGINT', children()),
  };
}

/** A child process serving SQL on `url`: started and waited for until it answers; stopped by a signal. */
function sqlServerProcess(label: string, url: string, spawnIt: () => ChildProcess, log?: (line: string) => void) {
  let child: ChildProcess | null = null;
  const pid = () => (child && child.exitCode === null && child.signalCode === null ? (child.pid ?? null) : null);
  return {
    pid,
    async start(): Promise<void> {
      if (pid()) throw new Error(`${label} is already running`);
      const c = spawnIt();
      child = c;
      let stderr = '';
      c.stderr!.on('data', (d: Buffer) => {
        stderr = (stderr + d.toString()).slice(-4000);
        if (log) for (const line of d.toString().split('\n').filter(Boolean)) log(line);
      });
      try {
        await waitFor(
          label,
          async () => {
            if (c.exitCode !== null) throw new StackError(`${label} exited at start: ${stderr.trim().split('\n').pop() ?? ''}`);
            return postgresAnswers(url, 2000);
          },
          60_000,
        );
      } catch (err) {
        c.kill('SIGKILL');
        throw err;
      }
    },
    /** Thaws `frozen` (and the process), sends `sig` and waits for the exit (SIGKILL after 10 s). */
    async stop(sig: NodeJS.Signals, frozen: number[] = []): Promise<void> {
      const c = child;
      if (!c || !pid()) return;
      for (const p of [c.pid!, ...frozen]) signal(p, 'SIGCONT');
      await stopChild(c, { signal: sig, graceMs: 10_000 });
      child = null;
    },
  };
}

const PGLITE_SERVER = path.join(path.dirname(fileURLToPath(import.meta.url)), 'pglite-server.ts');

async function pgliteChild(opts: { dataDir: string; port: number; log?: (line: string) => void }): Promise<ControlledProcess> {
  const url = `postgres://postgres:postgres@127.0.0.1:${opts.port}/postgres`;
  const server = sqlServerProcess('PGlite', url, () =>
    spawn(
      process.execPath,
      ['--import', 'tsx', PGLITE_SERVER, '--port', String(opts.port), '--data-dir', path.join(opts.dataDir, 'pglite')],
      {
        stdio: ['ignore', 'ignore', 'pipe'],
      },
    ),
  );
  await server.start();
  const stop = () => server.stop('SIGTERM');
  return {
    url,
    label: 'PGlite (child process; no PostgreSQL binaries found)',
    pid: server.pid,
    pids: () => [server.pid()].filter((p): p is number => p !== null),
    pause: () => signal(server.pid(), 'SIGSTOP'),
    resume: () => signal(server.pid(), 'SIGCONT'),
    kill: stop,
    start: server.start,
    close: stop,
  };
}
