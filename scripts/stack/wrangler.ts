/**
 * Runs the Worker with `wrangler dev` (workerd) as a child process group, so stopping it
 * also stops the workerd process wrangler starts.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { freePort, StackError, waitFor } from './ports.js';
import { stopChild } from './child.js';
import { trackChild } from './lifecycle.js';

export interface WorkerProcess {
  url: string;
  process: ChildProcess;
  close(): Promise<void>;
}

export async function startWorker(opts: {
  root: string;
  stateDir: string;
  port: number;
  vars: Record<string, string>;
  /** Where wrangler's own output goes (default: inherited). */
  quiet?: boolean;
  /** Receives every output line (the Worker's JSON logs included), whatever `quiet` says. */
  onLine?: (line: string) => void;
}): Promise<WorkerProcess> {
  const configDir = path.join(opts.stateDir, 'wrangler');
  const configPath = path.join(opts.root, 'wrangler.toml');
  // Every var goes into an env file (mode 600, the record of what the Worker got). With
  // `[secrets]` declared, wrangler dev takes only the required secrets from it, so they
  // stay out of argv (`ps` shows argv); the other vars follow as --var.
  const envFile = path.join(opts.stateDir, 'worker.env');
  mkdirSync(opts.stateDir, { recursive: true });
  opts.vars.LOG_LEVEL ??= 'warn';
  writeFileSync(
    envFile,
    `${Object.entries(opts.vars)
      .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
      .join('\n')}\n`,
    { mode: 0o600 },
  );
  const secrets = requiredSecrets(readFileSync(configPath, 'utf8'));
  const plainVars = Object.entries(opts.vars)
    .filter(([k]) => !secrets.has(k))
    .flatMap(([k, v]) => ['--var', `${k}:${v}`]);
  // wrangler dev prefers a required secret found in its own environment over the env
  // file's: the caller's DATABASE_URL (say) must not replace the one given here.
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of Object.keys(opts.vars)) delete env[name];
  // wrangler's inspector takes 9229 when that looks free: two `wrangler dev` starting at
  // once (a test file with two Workers, test files run side by side) both take it and
  // the second dies with "Address already in use". Each gets a port of its own.
  const inspectorPort = await freePort();
  const child = spawn(
    process.execPath,
    [
      wranglerBin(),
      'dev',
      '-c',
      configPath,
      '--port',
      String(opts.port),
      '--ip',
      '127.0.0.1',
      '--env-file',
      envFile,
      ...plainVars,
      '--inspector-port',
      String(inspectorPort),
      '--persist-to',
      path.join(opts.stateDir, 'wrangler-state'),
      '--show-interactive-dev-session=false',
      // Exposes /__scheduled?cron=… locally so the Cron Trigger can be fired by hand.
      '--test-scheduled',
      // The Worker logs at the level wrangler shows: a line wrangler would drop costs
      // milliseconds of CPU per request on its way there.
      '--log-level',
      opts.vars.LOG_LEVEL ?? 'warn',
    ],
    {
      cwd: opts.root,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...wranglerEnv(configDir, env), CI: process.env.CI ?? '' },
    },
  );
  // Detached (a group of its own, so stopping it reaches workerd too): a terminal's
  // Ctrl-C does not reach it, the launcher stops it.
  trackChild(child, { name: 'wrangler dev', group: true, match: 'wrangler' });
  if (!opts.quiet) {
    forwardOutput(child.stdout!, process.stdout, opts.onLine);
    forwardOutput(child.stderr!, process.stderr, opts.onLine);
  } else if (opts.onLine) {
    forwardOutput(child.stdout!, null, opts.onLine);
    forwardOutput(child.stderr!, null, opts.onLine);
  } else {
    child.stdout!.resume();
    child.stderr!.resume();
  }
  let exited = false;
  child.once('exit', () => (exited = true));
  const kill = (signal: NodeJS.Signals) => {
    try {
      if (child.pid) process.kill(-child.pid, signal);
    } catch {
      /* already gone */
    }
  };
  const url = `http://127.0.0.1:${opts.port}`;
  try {
    await waitFor(
      'the Worker (wrangler dev)',
      async () => {
        if (exited) throw new StackError('wrangler dev exited during start; run `npm run dev:worker` to see why');
        const res = await fetch(`${url}/healthcheck/`);
        return res.status < 500;
      },
      90_000,
    );
  } catch (err) {
    kill('SIGKILL');
    throw err;
  }
  return {
    url,
    process: child,
    async close() {
      await stopChild(child, { kill, graceMs: 3000 });
      kill('SIGKILL'); // workerd, if it outlived wrangler
    },
  };
}

/** wrangler's CLI entry, to run with this process's Node (which must be 22 or newer). */
export function wranglerBin(): string {
  const major = Number(process.versions.node.split('.')[0]);
  if (major < 22) {
    throw new StackError(
      `wrangler needs Node 22 but this is Node ${process.versions.node}: run through npm scripts (\`npm start\`), which use the project's Node`,
    );
  }
  return path.join(path.dirname(createRequire(import.meta.url).resolve('wrangler/package.json')), 'bin', 'wrangler.js');
}

/** `base` (the process environment) for wrangler: no metrics; its config and logs in `configDir`. */
export function wranglerEnv(configDir: string, base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  mkdirSync(configDir, { recursive: true });
  return { ...base, WRANGLER_SEND_METRICS: 'false', XDG_CONFIG_HOME: configDir, WRANGLER_LOG_PATH: path.join(configDir, 'logs') };
}

/**
 * The names listed in wrangler.toml's top-level `[secrets] required` (the table wrangler
 * dev reads secrets for; a test checks this against wrangler's own reading).
 */
export function requiredSecrets(toml: string): Set<string> {
  const list = /^\[secrets\]\s*\n(?:\s*#[^\n]*\n)*\s*required\s*=\s*\[([^\]]*)\]/m.exec(toml)?.[1] ?? '';
  return new Set((list.match(/"[^"]+"/g) ?? []).map((quoted) => JSON.parse(quoted) as string));
}

// Offline, wrangler warns on every start that it cannot fetch `Request.cf` metadata
// from Cloudflare; the placeholder it falls back to is fine locally.
const NOISE = /Request\.cf|ENOTFOUND workers\.cloudflare\.com|GetAddrInfoReqWrap/;
// Offline, every link check of an external media URL fails its DNS lookup, and workerd
// reports each as an internal error in three lines (the failure, a stack, an "uncaught"
// line naming the same reference). The Worker handles the failure (the link's status
// stays unknown): those lines are dropped, with one notice the first time.
const DNS_FAILURE = 'failed to lookup address information';
const OFFLINE_NOTICE =
  "[edgeverse] offline: external media URLs cannot be resolved; their link checks stay undecided (workerd's DNS errors are not shown)";

function forwardOutput(from: NodeJS.ReadableStream, to: NodeJS.WritableStream | null, onLine?: (line: string) => void): void {
  let rest = '';
  let noticed = false;
  let dnsFailure = false;
  const references = new Set<string>();
  const dropped = (line: string): boolean => {
    if (NOISE.test(line)) return true;
    if (line.includes(DNS_FAILURE)) {
      dnsFailure = true;
      if (!noticed && to) to.write(`${OFFLINE_NOTICE}\n`);
      noticed = true;
      return true;
    }
    const id = /(?:wdErrId|reference) = (\w+)/.exec(line)?.[1];
    if (id && dnsFailure && line.startsWith('stack: ')) {
      references.add(id);
      dnsFailure = false;
      return true;
    }
    return id !== undefined && references.has(id);
  };
  from.on('data', (chunk: Buffer) => {
    const lines = (rest + chunk.toString()).split('\n');
    rest = lines.pop() ?? '';
    for (const line of lines) {
      onLine?.(line);
      if (to && !dropped(line)) to.write(`${line}\n`);
    }
  });
}
