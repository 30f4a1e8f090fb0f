/**
 * The services a benchmark run uses, each torn down by the run whatever happens:
 *
 * - Postgres: DATABASE_URL's server if set, else the machine's server at
 *   postgres://postgres@127.0.0.1:5432/test if it answers, else embedded PGlite. On a
 *   real server the run creates its own uniquely named database and drops it afterwards.
 * - Meilisearch: MEILI_URL + MEILI_MASTER_KEY with a unique index prefix (indexes deleted
 *   afterwards), else the embedded binary on a fresh temporary folder.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { demoImages } from '../../ingest/demo/catalog.js';
import { MeiliAdmin } from '../../ingest/meili-admin.js';
import { cleanRow } from '../../model/catalog-row.js';
import { toDocument } from '../../model/document.js';
import { indexSettings } from '../../model/search-index.js';
import { startMeilisearch } from '../../scripts/stack/meilisearch.js';
import { freePort } from '../../scripts/stack/ports.js';
import { createDatabase as createServerDatabase, postgresAnswers, startEmbeddedPostgres } from '../../scripts/stack/postgres.js';

export const MACHINE_POSTGRES = 'postgres://postgres@127.0.0.1:5432/test';

/** LIFO teardown list, run once on success, failure, Ctrl-C or SIGTERM. */
export class Teardown {
  private readonly steps: { what: string; run: () => Promise<void> | void }[] = [];
  private running: Promise<void> | null = null;
  /** Set by a signal: the benchmark stops at its next `check()`. */
  stopping = false;
  private verbose = false;

  add(what: string, run: () => Promise<void> | void): () => Promise<void> {
    const step = { what, run };
    this.steps.push(step);
    // Runs this step now and forgets it (per-row-count services end before the next).
    return async () => {
      const i = this.steps.indexOf(step);
      if (i < 0) return;
      this.steps.splice(i, 1);
      await this.safely(step);
    };
  }

  /** Throws once a signal asked the run to stop (call between phases). */
  check(): void {
    if (this.stopping) throw new Error('interrupted');
  }

  private async safely(step: { what: string; run: () => Promise<void> | void }): Promise<void> {
    if (this.verbose) console.error(`[bench] teardown: ${step.what}`);
    try {
      await step.run();
    } catch (err) {
      console.error(`[bench] teardown: ${step.what}: ${(err as Error).message}`);
    }
  }

  runAll(): Promise<void> {
    this.running ??= (async () => {
      while (this.steps.length) await this.safely(this.steps.pop()!);
    })();
    return this.running;
  }

  /** Ctrl-C / SIGTERM: tear everything down, then exit 130 / 143; a second signal exits at once. */
  installSignalHandlers(): void {
    let received = false;
    const handler = (signal: NodeJS.Signals) => {
      const code = signal === 'SIGINT' ? 130 : 143;
      if (received) {
        console.error(`[bench] ${signal} again: exiting without finishing the teardown`);
        process.exit(code);
      }
      received = true;
      this.stopping = true;
      this.verbose = true;
      console.error(`\n[bench] ${signal}: tearing down…`);
      void this.runAll().finally(() => process.exit(code));
    };
    process.on('SIGINT', handler);
    process.on('SIGTERM', handler);
  }
}

export const runId = `${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;

export interface BenchDatabase {
  url: string;
  kind: 'DATABASE_URL' | 'machine server' | 'embedded PGlite';
  /** Database name on a real server (null for PGlite). */
  name: string | null;
  serverVersion: string;
  /** True when the server runs on this machine, so its backends' CPU can be read. */
  local: boolean;
  close(): Promise<void>;
}

/** Where the benchmark's Postgres comes from, decided once per run. */
export async function pickPostgres(): Promise<{ adminUrl: string | null; kind: BenchDatabase['kind'] }> {
  if (process.env.DATABASE_URL) return { adminUrl: process.env.DATABASE_URL, kind: 'DATABASE_URL' };
  if (await postgresAnswers(MACHINE_POSTGRES)) return { adminUrl: MACHINE_POSTGRES, kind: 'machine server' };
  return { adminUrl: null, kind: 'embedded PGlite' };
}

export async function createDatabase(
  choice: { adminUrl: string | null; kind: BenchDatabase['kind'] },
  label: string,
  teardown: Teardown,
): Promise<BenchDatabase> {
  if (!choice.adminUrl) {
    const server = await startEmbeddedPostgres({ port: await freePort() });
    const close = teardown.add('stop embedded PGlite', () => server.close());
    return { url: server.url, kind: choice.kind, name: null, serverVersion: await serverVersion(server.url), local: false, close };
  }
  const name = `edgeverse_bench_${runId}_${label}`.toLowerCase();
  // The one create/drop of a run's own database (scripts/stack/postgres.ts).
  const database = await createServerDatabase(choice.adminUrl, name);
  const close = teardown.add(`drop database ${name}`, () => database.close());
  const url = new URL(database.url);
  const host = url.hostname;
  return {
    url: url.toString(),
    kind: choice.kind,
    name,
    serverVersion: await serverVersion(url.toString()),
    local: host === '127.0.0.1' || host === 'localhost' || host === '::1' || host === '',
    close,
  };
}

async function serverVersion(url: string): Promise<string> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    const { rows } = await c.query<{ v: string }>('select version() as v');
    return rows[0].v.split(' on ')[0];
  } finally {
    await c.end();
  }
}

export interface BenchMeili {
  url: string;
  masterKey: string;
  indexPrefix: string;
  /** Embedded server only: its process id and data folder. */
  pid: number | null;
  dataDir: string | null;
  version: string;
  close(): Promise<void>;
}

export async function startBenchMeili(label: string, teardown: Teardown): Promise<BenchMeili> {
  const indexPrefix = `bench${runId}_${label}_`;
  if (process.env.MEILI_URL) {
    const url = process.env.MEILI_URL.replace(/\/+$/, '');
    const masterKey = process.env.MEILI_MASTER_KEY ?? '';
    if (!masterKey) throw new Error('MEILI_URL is set but MEILI_MASTER_KEY is not: the benchmark needs the master key');
    const meili = new MeiliAdmin(url, masterKey);
    const close = teardown.add(`delete indexes ${indexPrefix}*`, () => meili.deleteIndexesWithPrefix(indexPrefix));
    return { url, masterKey, indexPrefix, pid: null, dataDir: null, version: await meili.version(), close };
  }
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'edgeverse-bench-meili-'));
  const removeTmp = teardown.add(`remove ${tmp}`, () => rmSync(tmp, { recursive: true, force: true }));
  const masterKey = randomBytes(16).toString('hex');
  const server = await startMeilisearch({ dataDir: tmp, port: await freePort(), masterKey });
  const stop = teardown.add('stop Meilisearch', () => server.close());
  await warmUp(server.url, masterKey, indexPrefix);
  return {
    url: server.url,
    masterKey,
    indexPrefix,
    pid: server.process.pid ?? null,
    dataDir: path.join(tmp, 'data.ms'),
    version: await new MeiliAdmin(server.url, masterKey).version(),
    async close() {
      await stop();
      await removeTmp();
    },
  };
}

/**
 * A fresh Meilisearch process makes its first large indexing batch pay a one-off cost of
 * seconds, which a long-running production server has paid long ago; without this the
 * ingest (measured first) paid it and the raw push did not. One refresh-sized payload
 * (8 MiB of generated demo documents, another seed) into a throwaway index pays it
 * before anything is measured. (The first batch into any new index still costs ~1–2 s
 * more than the next ones; the ingest and the raw push both pay that.)
 */
async function warmUp(url: string, masterKey: string, indexPrefix: string): Promise<void> {
  const meili = new MeiliAdmin(url, masterKey, 120_000);
  const uid = `${indexPrefix}warmup`;
  await meili.createIndex(uid, indexSettings('image'));
  const lines: string[] = [];
  let bytes = 0;
  for (const row of demoImages(20_000, { mediaBaseUrl: 'http://127.0.0.1:9', seed: 7 })) {
    const r = cleanRow('image', row as unknown as Record<string, unknown>);
    if (!r.ok) continue;
    const line = JSON.stringify(toDocument('image', r.record));
    lines.push(line);
    bytes += line.length + 1;
    if (bytes >= 8 * 1024 * 1024) break;
  }
  await meili.waitTask(await meili.addDocuments(uid, lines.join('\n')));
  await meili.deleteIndex(uid);
}

/** A private temporary folder for scratch files, removed at teardown. */
export function scratchDir(teardown: Teardown): { dir: string; remove: () => Promise<void> } {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'edgeverse-bench-'));
  const remove = teardown.add(`remove ${dir}`, () => rmSync(dir, { recursive: true, force: true }));
  return { dir, remove };
}
