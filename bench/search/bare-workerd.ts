/**
 * The Worker's deployable bundle in bare workerd, the runtime Cloudflare runs, without the
 * local development plumbing around it: wrangler dev's proxy (a second workerd process)
 * and Miniflare's entry worker and inspector. On this machine that plumbing costs
 * milliseconds a request: the same 404 takes 0.46 ms at p50 in bare workerd, 3.81 ms
 * behind Miniflare and 8.64 ms through wrangler dev (bench/RESULTS.md, 2026-11-28 04:53,
 * no-op rows), which would hide what the Worker itself costs.
 *
 * Bindings as in wrangler.toml: the vars `npm start` handed to wrangler (its env file),
 * the RateLimiter Durable Object on local disk (SQLite-backed, as declared), and
 * SEARCH_CACHE served by bare/kv-service.js, an in-memory store speaking workerd's KV
 * protocol (on Cloudflare, KV is Cloudflare's). Outbound fetches may reach loopback
 * services (Meilisearch, the Neon bridge).
 */
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { waitFor } from '../../scripts/stack/ports.js';
import { stopChild } from '../../scripts/stack/child.js';

export interface BareWorkerd {
  url: string;
  pid: number;
  /** The bundle as `wrangler deploy` would upload it: its "Total Upload" line and the folder's bytes (with the source map). */
  bundle: { upload: string; bytes: number };
  stop(): Promise<void>;
}

const capnpString = (s: string) => JSON.stringify(s);

export async function startBareWorkerd(opts: {
  root: string;
  stateDir: string;
  port: number;
  log: (line: string) => void;
}): Promise<BareWorkerd> {
  const dir = path.join(opts.stateDir, 'bare-workerd');
  rmSync(dir, { recursive: true, force: true });
  const bundle = path.join(dir, 'bundle');
  mkdirSync(path.join(dir, 'do'), { recursive: true });
  const build = spawnSync(
    process.execPath,
    [path.join(opts.root, 'node_modules/wrangler/bin/wrangler.js'), 'deploy', '--dry-run', '--outdir', bundle, '-c', 'wrangler.toml'],
    {
      cwd: opts.root,
      encoding: 'utf8',
      env: { ...process.env, WRANGLER_SEND_METRICS: 'false', XDG_CONFIG_HOME: path.join(dir, 'wrangler-config') },
    },
  );
  if (build.status !== 0) throw new Error(`wrangler deploy --dry-run failed: ${build.stderr.slice(-500)}`);
  const upload = /Total Upload:\s*([^\n]+)/.exec(`${build.stdout}\n${build.stderr}`)?.[1]?.trim() ?? '(not reported)';
  const bytes = readdirSync(bundle).reduce((sum, f) => sum + statSync(path.join(bundle, f)).size, 0);
  copyFileSync(new URL('./bare/kv-service.js', import.meta.url), path.join(dir, 'kv-service.js'));

  const modules = readdirSync(bundle)
    .filter((f) => f.endsWith('.js'))
    .sort((a, b) => (a === 'index.js' ? -1 : b === 'index.js' ? 1 : a.localeCompare(b)))
    .map((f) => `(name = ${capnpString(f)}, esModule = embed ${capnpString(`bundle/${f}`)})`);

  // The vars npm start gave the Worker (scripts/stack/wrangler.ts writes KEY="json" lines).
  const vars: Record<string, string> = { ENVIRONMENT: 'production' };
  for (const line of readFileSync(path.join(opts.stateDir, 'worker.env'), 'utf8').split('\n')) {
    const eq = line.indexOf('=');
    if (eq > 0) vars[line.slice(0, eq)] = JSON.parse(line.slice(eq + 1)) as string;
  }
  const toml = readFileSync(path.join(opts.root, 'wrangler.toml'), 'utf8');
  const compatibilityDate = /compatibility_date\s*=\s*"([^"]+)"/.exec(toml)![1];
  const flags = (/compatibility_flags\s*=\s*\[([^\]]*)\]/.exec(toml)?.[1] ?? '').match(/"[^"]+"/g) ?? [];

  const config = `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [
    (name = "main", worker = .api),
    (name = "kv", worker = .kv),
    (name = "do-disk", disk = (path = ${capnpString(path.join(dir, 'do'))}, writable = true)),
    (name = "internet", network = (allow = ["public", "private", "local"])),
  ],
  sockets = [(name = "http", address = ${capnpString(`127.0.0.1:${opts.port}`)}, http = (), service = "main")],
);
const api :Workerd.Worker = (
  modules = [
    ${modules.join(',\n    ')}
  ],
  compatibilityDate = ${capnpString(compatibilityDate)},
  compatibilityFlags = [${flags.join(', ')}],
  bindings = [
    ${Object.entries(vars)
      .map(([k, v]) => `(name = ${capnpString(k)}, text = ${capnpString(v)})`)
      .join(',\n    ')},
    (name = "SEARCH_CACHE", kvNamespace = "kv"),
    (name = "RATE_LIMITER", durableObjectNamespace = "RateLimiter"),
  ],
  durableObjectNamespaces = [(className = "RateLimiter", uniqueKey = "edgeverse-bench-RateLimiter", enableSql = true)],
  durableObjectStorage = (localDisk = "do-disk"),
  globalOutbound = "internet",
);
const kv :Workerd.Worker = (
  modules = [(name = "kv-service.js", esModule = embed "kv-service.js")],
  compatibilityDate = ${capnpString(compatibilityDate)},
);
`;
  writeFileSync(path.join(dir, 'config.capnp'), config, { mode: 0o600 });
  const workerdBin = path.join(
    path.dirname(createRequire(path.join(opts.root, 'package.json')).resolve('workerd/package.json')),
    'bin',
    'workerd',
  );
  const child = spawn(workerdBin, ['serve', '--experimental', 'config.capnp'], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  const output: string[] = [];
  for (const s of [child.stdout!, child.stderr!])
    s.on('data', (b: Buffer) => output.push(...b.toString().split('\n').filter(Boolean).slice(-20)));
  let exited = false;
  child.once('exit', () => (exited = true));
  const url = `http://127.0.0.1:${opts.port}`;
  try {
    await waitFor(
      'the Worker in bare workerd',
      async () => {
        if (exited) throw new Error(`workerd exited: ${output.slice(-10).join('\n')}`);
        return (await fetch(`${url}/healthcheck/`)).status < 500;
      },
      60_000,
    );
  } catch (err) {
    child.kill('SIGKILL');
    throw new Error(`${(err as Error).message}; workerd said: ${output.slice(-10).join(' | ') || '(nothing)'}`);
  }
  opts.log(`Worker in bare workerd: ${url} (${path.relative(opts.root, dir) || dir})`);
  return {
    url,
    pid: child.pid!,
    bundle: { upload, bytes },
    stop: () => stopChild(child),
  };
}
