/**
 * Where an ingest's time goes: the refresh's stages timed one by one on the same data.
 *
 *   node --import tsx bench/ingest-stages.ts --rows 100000 [--only loop,refresh,postgres,meili,memory] [--meili default,lean,…] [--memory default,old192,…] [--tuning default,inflight8,mib64,…]
 *
 * Sets up like bench/ingest.ts (own database, embedded Meilisearch, N demo images), then:
 *
 *   loop      the refresh's read loop without Meilisearch, its real stages one after the
 *             other in one pass: read a batch (upstream keyset query), cleanBatch
 *             (cleanRow, the deletedAmong and sensitiveAmong queries timed apart, the
 *             sensitive-text matcher), loadRecords (the json_populate_recordset upsert
 *             into image_new), documentLine (toDocument + JSON.stringify). Sequential,
 *             so each figure is that stage alone.
 *   refresh   refresh() in this process with timing wrappers around its connections,
 *             source and Meilisearch client: the time its read loop spends awaiting each
 *             thing, the rest being Node CPU plus waiting for a free Meilisearch slot.
 *   postgres  the staging load alone, same records, several ways: as the refresh does,
 *             plain INSERT (no ON CONFLICT), 20,000-row statements, an UNLOGGED table,
 *             no secondary indexes during the load, and COPY (psql \copy, text format).
 *   meili     the raw push alone with other payload sizes / concurrency / index settings,
 *             and on a second Meilisearch started with MEILI_MAX_INDEXING_MEMORY
 *             (`--meili default,lean,…` picks variants; see MEILI_VARIANTS).
 *   memory    the CLI refresh as a child process under a few V8 heap settings: peak RSS.
 *   tuning    refresh() end to end in a child process (bench/lib/refresh-child.ts) with
 *             its existing batchBytes / maxInFlight options changed: time, peak RSS,
 *             Meilisearch batch count (`--tuning default,inflight8,mib64,…`).
 *
 * Prints a report (markdown) to stdout; tears everything down like bench/ingest.ts.
 */
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { parseArgs } from 'node:util';
import v8 from 'node:v8';
import pg from 'pg';
import type { MediaRecord } from '../model/record.js';
import { filterAttributes, indexSettings } from '../model/search-index.js';
import { cleanBatch, sensitiveTextMatcher } from '../ingest/pipeline/clean.js';
import { MeiliAdmin } from '../ingest/meili-admin.js';
import { createStagingTables, dropStagingTables, loadRecords } from '../ingest/pipeline/load-postgres.js';
import { DEFAULT_BATCH_BYTES, DEFAULT_MAX_IN_FLIGHT } from '../ingest/pipeline/push.js';
import { documentLine } from '../ingest/pipeline/serialise.js';
import { refresh } from '../ingest/generations/refresh.js';
import type { CatalogSource } from '../ingest/sources/source.js';
import { upstreamPostgresSource } from '../ingest/sources/upstream-postgres.js';
import { prepareCatalog, SCHEMA } from './lib/catalog.js';
import { meiliBatches, meiliBusySeconds, pushBatches, writeRefreshDocuments, type NdjsonFile } from './lib/documents.js';
import { runIngest } from './lib/ingest-child.js';
import { cpuOf, loadAvg, machine, mb } from '../harness/proc.js';
import {
  createDatabase,
  pickPostgres,
  scratchDir,
  startBenchMeili,
  Teardown,
  type BenchDatabase,
  type BenchMeili,
} from './lib/services.js';

const run = promisify(execFile);
const log = (msg: string) => console.error(`[stages ${new Date().toISOString().slice(11, 19)}] ${msg}`);
const now = () => performance.now();
const s = (ms: number) => (ms / 1000).toFixed(1);
const rate = (n: number, ms: number) => Math.round(n / (ms / 1000)).toLocaleString('en-US');
const report: string[] = [];
const out = (line = '') => {
  report.push(line);
  console.log(line);
};

const ALL = ['loop', 'refresh', 'postgres', 'meili', 'memory', 'tuning'] as const;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      rows: { type: 'string', default: '100000' },
      only: { type: 'string' },
      meili: { type: 'string' },
      memory: { type: 'string' },
      tuning: { type: 'string' },
    },
  });
  const memoryNames = values.memory ? values.memory.split(',') : Object.keys(MEMORY_VARIANTS);
  const tuningNames = values.tuning ? values.tuning.split(',') : Object.keys(TUNING_VARIANTS);
  const meiliNames = values.meili
    ? values.meili.split(',')
    : ['default', 'inflight1', 'inflight2', 'mib32', 'mib64', 'nofacetsearch', 'lean', 'memory1g'];
  const rows = Number(values.rows!.replace(/[_,]/g, ''));
  const only = new Set(values.only ? values.only.split(',') : ALL);
  const teardown = new Teardown();
  teardown.installSignalHandlers();
  const m = machine();
  out(`## Ingest stages, ${rows.toLocaleString('en-US')} rows — ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC`);
  out();
  out(`- command: \`node --import tsx bench/ingest-stages.ts ${process.argv.slice(2).join(' ')}\``);
  out(`- machine: ${m.cpus} CPUs (${m.cpuModel}), ${m.memoryGiB.toFixed(1)} GiB; load average at start ${loadAvg()}`);
  try {
    const pgChoice = await pickPostgres();
    const db = await createDatabase(pgChoice, 'stages', teardown);
    const meili = await startBenchMeili('stages', teardown);
    const scratch = scratchDir(teardown);
    out(`- Postgres: ${db.kind}, ${db.serverVersion}; Meilisearch ${meili.version}; Node ${process.version}`);
    out();
    const client = new pg.Client({ connectionString: db.url });
    client.on('error', () => {});
    await client.connect();
    teardown.add('close connection', () => client.end());
    await prepareCatalog(client, db.url, rows, log);

    teardown.check();
    if (only.has('loop')) await loopStages(db, rows);
    teardown.check();
    if (only.has('refresh')) await instrumentedRefresh(db, meili);
    teardown.check();
    if (only.has('postgres')) await postgresVariants(db, client, scratch.dir);
    teardown.check();
    if (only.has('meili')) await meiliVariants(client, meili, scratch.dir, teardown, meiliNames);
    teardown.check();
    if (only.has('memory')) await memoryVariants(db, meili, scratch.dir, teardown, memoryNames);
    teardown.check();
    if (only.has('tuning')) await tuningVariants(db, meili, scratch.dir, teardown, tuningNames);
  } finally {
    await teardown.runAll();
  }
  const file = path.join('/tmp', `edgeverse-stages-${Date.now()}.md`);
  writeFileSync(file, `${report.join('\n')}\n`);
  log(`report also in ${file}`);
}

async function connect(url: string): Promise<pg.Client> {
  const c = new pg.Client({ connectionString: url });
  c.on('error', () => {});
  await c.connect();
  return c;
}

/** Backend pid → CPU seconds, for the connections of this process (local server only). */
async function backendCpu(clients: pg.Client[], db: BenchDatabase): Promise<() => number | null> {
  if (!db.local) return () => null;
  const pids: number[] = [];
  for (const c of clients) pids.push((await c.query<{ pid: number }>('select pg_backend_pid() as pid')).rows[0].pid);
  const start = pids.map((p) => cpuOf(p) ?? 0);
  return () => pids.reduce((sum, p, i) => sum + ((cpuOf(p) ?? start[i]) - start[i]), 0);
}

// ---------------------------------------------------------------------------------------

async function loopStages(db: BenchDatabase, rows: number): Promise<void> {
  log('loop: the read loop without Meilisearch, stage by stage');
  const upstream = await connect(db.url);
  // The clean stage's list lookups are timed by query kind.
  const api = new TimedClient({ connectionString: db.url });
  api.on('error', () => {});
  await api.connect();
  try {
    await createStagingTables(api, 'image');
    const pgCpu = await backendCpu([upstream, api], db);
    const t = { read: 0, clean: 0, load: 0, serialize: 0 };
    const isSensitiveText = await sensitiveTextMatcher();
    let docs = 0;
    let bytes = 0;
    const cpu0 = process.cpuUsage();
    const start = now();
    // The real stages, one after the other: source → cleanBatch → loadRecords → documentLine.
    const it = upstreamPostgresSource(upstream, 'image', { schema: SCHEMA }).batches()[Symbol.asyncIterator]();
    for (;;) {
      let t0 = now();
      const next = await it.next();
      t.read += now() - t0;
      if (next.done) break;
      t0 = now();
      const { records } = await cleanBatch(api, 'image', next.value, isSensitiveText);
      t.clean += now() - t0;
      t0 = now();
      await loadRecords(api, 'image', records);
      t.load += now() - t0;
      t0 = now();
      for (const record of records) bytes += documentLine('image', record).length + 1;
      t.serialize += now() - t0;
      docs += records.length;
    }
    const total = now() - start;
    const cpu = process.cpuUsage(cpu0);
    const pgSeconds = pgCpu();
    await dropStagingTables(api, 'image');
    const deleted = api.times.get('deletedAmong')?.ms ?? 0;
    const sensitive = api.times.get('sensitiveAmong')?.ms ?? 0;
    out(
      `### Read loop without Meilisearch (sequential, ${rows.toLocaleString('en-US')} rows → ${docs.toLocaleString('en-US')} documents, ${mb(bytes)} MB NDJSON)`,
    );
    out();
    out('| stage | seconds | share | rows/s alone |');
    out('|---|---:|---:|---:|');
    for (const [name, ms] of Object.entries({
      'read upstream (keyset select of 5,000 rows)': t.read,
      'cleanBatch (all of it)': t.clean,
      '  of which deletedAmong (uuid = any)': deleted,
      '  of which sensitiveAmong': sensitive,
      '  of which cleanRow + sensitive-text matcher': t.clean - deleted - sensitive,
      'loadRecords (json_populate_recordset upsert)': t.load,
      'documentLine (toDocument + JSON.stringify)': t.serialize,
    })) {
      out(`| ${name} | ${s(ms)} | ${((100 * ms) / total).toFixed(0)} % | ${rate(rows, ms)} |`);
    }
    out(`| **loop total** | **${s(total)}** | | **${rate(rows, total)}** |`);
    out();
    out(`CPU: Node ${((cpu.user + cpu.system) / 1e6).toFixed(1)} s, Postgres backends ${pgSeconds?.toFixed(1) ?? 'n/a'} s.`);
    out();
  } finally {
    await upstream.end();
    await api.end();
  }
}

// ---------------------------------------------------------------------------------------

/** pg.Client whose promise queries are timed by kind. */
class TimedClient extends pg.Client {
  readonly times = new Map<string, { ms: number; n: number }>();

  override query(...args: unknown[]): never {
    const sql = typeof args[0] === 'string' ? args[0] : ((args[0] as { text?: string })?.text ?? '');
    const kind = queryKind(sql);
    const t0 = now();
    const result = (super.query as (...a: unknown[]) => unknown)(...args);
    if (result && typeof (result as Promise<unknown>).then === 'function') {
      void (result as Promise<unknown>)
        .finally(() => {
          const e = this.times.get(kind) ?? { ms: 0, n: 0 };
          e.ms += now() - t0;
          e.n++;
          this.times.set(kind, e);
        })
        .catch(() => {});
    }
    return result as never;
  }
}

function queryKind(sql: string): string {
  const q = sql.trim().toLowerCase().replace(/\s+/g, ' ');
  if (q.includes('from deleted_media')) return 'deletedAmong';
  if (q.includes('from sensitive_media')) return 'sensitiveAmong';
  if (q.startsWith('insert into image_new')) return 'loadRecords (upsert into image_new)';
  if (q.includes('from "upstream"."image" where id >')) return 'read upstream batch';
  if (q.startsWith('select count(*)') && q.includes('upstream')) return 'count upstream';
  return 'other (setup, checks, promotion)';
}

class TimedMeili extends MeiliAdmin {
  upload = { ms: 0, n: 0 };
  wait = { ms: 0, n: 0 };
  override async addDocuments(uid: string, ndjson: string): Promise<number> {
    const t0 = now();
    try {
      return await super.addDocuments(uid, ndjson);
    } finally {
      this.upload.ms += now() - t0;
      this.upload.n++;
    }
  }
  override async waitTask(uid: number, timeoutMs?: number) {
    const t0 = now();
    try {
      return await super.waitTask(uid, timeoutMs);
    } finally {
      this.wait.ms += now() - t0;
      this.wait.n++;
    }
  }
}

async function instrumentedRefresh(db: BenchDatabase, meili: BenchMeili): Promise<void> {
  log('refresh: refresh() in-process with timing wrappers');
  const api = new TimedClient({ connectionString: db.url });
  const upstream = new TimedClient({ connectionString: db.url });
  api.on('error', () => {});
  upstream.on('error', () => {});
  await api.connect();
  await upstream.connect();
  const admin = new TimedMeili(meili.url, meili.masterKey);
  const inner = upstreamPostgresSource(upstream, 'image', { schema: SCHEMA });
  let readMs = 0;
  let firstRead: number | null = null;
  let lastRead = 0;
  const source: CatalogSource = {
    describe: inner.describe,
    count: inner.count,
    async *batches() {
      const it = inner.batches()[Symbol.asyncIterator]();
      for (;;) {
        const t0 = now();
        firstRead ??= t0;
        const next = await it.next();
        readMs += now() - t0;
        lastRead = now();
        if (next.done) return;
        yield next.value;
      }
    },
  };
  const mem = { rss: 0, heapTotal: 0, heapUsed: 0, external: 0, arrayBuffers: 0 };
  const spaces = new Map<string, { used: number; committed: number }>();
  const timer = setInterval(() => {
    const u = process.memoryUsage();
    for (const k of Object.keys(mem) as (keyof typeof mem)[]) mem[k] = Math.max(mem[k], u[k]);
    for (const sp of v8.getHeapSpaceStatistics()) {
      const e = spaces.get(sp.space_name) ?? { used: 0, committed: 0 };
      e.used = Math.max(e.used, sp.space_used_size);
      e.committed = Math.max(e.committed, sp.space_size);
      spaces.set(sp.space_name, e);
    }
  }, 100);
  const rss0 = process.memoryUsage().rss;
  const pgCpu = await backendCpu([api, upstream], db);
  const cpu0 = process.cpuUsage();
  const meiliCpu0 = meili.pid ? cpuOf(meili.pid) : null;
  const start = now();
  let stats: Awaited<ReturnType<typeof refresh>>;
  try {
    stats = await refresh({ mediaType: 'image', source, api, meili: admin, indexPrefix: `${meili.indexPrefix}inproc_` });
  } finally {
    clearInterval(timer);
  }
  const total = now() - start;
  const cpu = process.cpuUsage(cpu0);
  const pgSeconds = pgCpu();
  const meiliSeconds = meili.pid && meiliCpu0 !== null ? (cpuOf(meili.pid) ?? meiliCpu0) - meiliCpu0 : null;
  const live = `${meili.indexPrefix}inproc_images`;
  const busy = await meiliBusySeconds(admin, [live, `${live}__${stats.generation}`]);
  const batches = await meiliBatches(admin, [live, `${live}__${stats.generation}`]);
  const loopMs = lastRead - (firstRead ?? start);
  const awaited = readMs + (api.times.get('deletedAmong')?.ms ?? 0) + (api.times.get('loadRecords (upsert into image_new)')?.ms ?? 0);
  await api.end();
  await upstream.end();
  out(`### refresh() in-process, instrumented (${stats.indexed.toLocaleString('en-US')} documents)`);
  out();
  out(
    `Total ${s(total)} s (${rate(stats.indexed, total)} docs/s). Read loop (first batch requested → last batch read): ${s(loopMs)} s; after it: ${s(total - loopMs - ((firstRead ?? start) - start))} s (last payloads, checks, promotion).`,
  );
  out();
  out('| read loop awaiting | seconds | calls |');
  out('|---|---:|---:|');
  out(`| read upstream batch | ${s(readMs)} | ${upstream.times.get('read upstream batch')?.n ?? 0} |`);
  for (const [kind, v] of api.times) out(`| ${kind} | ${s(v.ms)} | ${v.n} |`);
  out(
    `| rest of the loop: cleanRow, toDocument, JSON.stringify, JSON for the upsert, waiting for a free Meilisearch slot | ${s(loopMs - awaited)} | |`,
  );
  out();
  out(
    `Meilisearch: ${admin.upload.n} payload uploads took ${s(admin.upload.ms)} s (POST until enqueued), tasks busy ${busy.busy.toFixed(1)} s of the ${s(total)} s; ` +
      `CPU seconds: Node ${((cpu.user + cpu.system) / 1e6).toFixed(1)}, Postgres backends ${pgSeconds?.toFixed(1) ?? 'n/a'}, Meilisearch ${meiliSeconds?.toFixed(1) ?? 'n/a'}.`,
  );
  out(
    `Memory of this process during the refresh (peaks, MB): rss ${mb(mem.rss)} (${mb(rss0)} before), heapTotal ${mb(mem.heapTotal)}, heapUsed ${mb(mem.heapUsed)}, external ${mb(mem.external)}, arrayBuffers ${mb(mem.arrayBuffers)}.`,
  );
  out(
    `Meilisearch batches (seconds, of which not attributed to a trace step): ${batches.perBatch
      .map((b) => `${b.seconds.toFixed(1)} (${b.unattributed.toFixed(1)})`)
      .join(', ')}.`,
  );
  out(
    `V8 heap spaces (peak used / peak committed, MB): ${[...spaces.entries()]
      .filter(([, e]) => e.committed > 1024 ** 2)
      .map(([name, e]) => `${name} ${mb(e.used)} / ${mb(e.committed)}`)
      .join(', ')}.`,
  );
  out();
}

// ---------------------------------------------------------------------------------------

async function postgresVariants(db: BenchDatabase, client: pg.Client, scratch: string): Promise<void> {
  log('postgres: the staging load alone, several ways');
  // The cleaned records, once, in the refresh's batches.
  const batches: MediaRecord[][] = [];
  const isSensitiveText = await sensitiveTextMatcher();
  for await (const rows of upstreamPostgresSource(client, 'image', { schema: SCHEMA }).batches()) {
    batches.push((await cleanBatch(client, 'image', rows, isSensitiveText)).records);
  }
  const total = batches.reduce((a, b) => a + b.length, 0);
  const api = await connect(db.url);
  const results: [string, number, number | null][] = [];
  const cpu = await backendCpu([api], db);
  const measure = async (name: string, fn: () => Promise<void>) => {
    await api.query('checkpoint').catch(() => {});
    const c0 = cpu() ?? 0;
    const t0 = now();
    await fn();
    const ms = now() - t0;
    const c = cpu();
    results.push([name, ms, c === null ? null : c - c0]);
    log(`  ${name}: ${s(ms)} s`);
  };
  const fresh = async (table: string, opts: { unlogged?: boolean; indexes?: boolean } = {}) => {
    await api.query(`drop table if exists ${table}`);
    await api.query(
      `create ${opts.unlogged ? 'unlogged ' : ''}table ${table} (like image including ${opts.indexes === false ? 'defaults including constraints' : 'all'})`,
    );
  };
  const cols = (
    await api.query<{ c: string }>(
      `select column_name as c from information_schema.columns where table_schema = current_schema() and table_name = 'image' order by ordinal_position`,
    )
  ).rows.map((r) => `"${r.c}"`);
  const upsert = (table: string) =>
    `insert into ${table} select * from json_populate_recordset(null::${table}, $1::json) on conflict (identifier) do update set ${cols
      .filter((c) => c !== '"identifier"')
      .map((c) => `${c} = excluded.${c}`)
      .join(', ')}`;
  const insert = (table: string) => `insert into ${table} select * from json_populate_recordset(null::${table}, $1::json)`;
  try {
    await createStagingTables(api, 'image');
    await measure('as the refresh: loadRecords, 5,000-row json_populate_recordset upserts', async () => {
      for (const b of batches) await loadRecords(api, 'image', b);
    });
    await fresh('bench_plain');
    await measure('plain INSERT … json_populate_recordset (no ON CONFLICT), 5,000 rows', async () => {
      for (const b of batches) await api.query(insert('bench_plain'), [JSON.stringify(b)]);
    });
    await fresh('bench_big');
    await measure('upsert, 20,000-row statements', async () => {
      for (let i = 0; i < batches.length; i += 4) await api.query(upsert('bench_big'), [JSON.stringify(batches.slice(i, i + 4).flat())]);
    });
    await fresh('bench_unlogged', { unlogged: true });
    await measure('upsert into an UNLOGGED table, 5,000 rows', async () => {
      for (const b of batches) await api.query(upsert('bench_unlogged'), [JSON.stringify(b)]);
    });
    await measure('  … then ALTER TABLE SET LOGGED (needed before the swap)', async () => {
      await api.query('alter table bench_unlogged set logged');
    });
    await fresh('bench_noidx', { indexes: false });
    await api.query('alter table bench_noidx add primary key (identifier)');
    await measure('upsert with only the primary key, 5,000 rows', async () => {
      for (const b of batches) await api.query(upsert('bench_noidx'), [JSON.stringify(b)]);
    });
    await measure('  … then CREATE INDEX source, updated_on', async () => {
      await api.query('create index on bench_noidx (source)');
      await api.query('create index on bench_noidx (updated_on)');
    });
    // COPY: the same rows in Postgres text format (as the server writes them), loaded
    // by psql's \copy over the client protocol, as pg-copy-streams would.
    const file = path.join(scratch, 'image.copy');
    if (db.name && db.local) {
      await run('psql', [db.url, '-qc', `\\copy image_new to '${file}'`]);
      await fresh('bench_copy');
      const c0 = cpu() ?? 0;
      const t0 = now();
      await run('psql', [db.url, '-qc', `\\copy bench_copy from '${file}'`]);
      results.push(['COPY FROM STDIN (psql \\copy, text format), all rows in one stream', now() - t0, null]);
      void c0;
      log(`  COPY: ${s(now() - t0)} s`);
    } else {
      results.push(['COPY (needs a real local Postgres and psql)', NaN, null]);
    }
    for (const t of ['bench_plain', 'bench_big', 'bench_unlogged', 'bench_noidx', 'bench_copy'])
      await api.query(`drop table if exists ${t}`);
    await dropStagingTables(api, 'image');
  } finally {
    await api.end();
  }
  out(`### Postgres staging load alone (${total.toLocaleString('en-US')} cleaned records)`);
  out();
  out('| way | seconds | rows/s | backend CPU s |');
  out('|---|---:|---:|---:|');
  for (const [name, ms, c] of results)
    out(`| ${name} | ${Number.isNaN(ms) ? 'n/a' : s(ms)} | ${Number.isNaN(ms) ? 'n/a' : rate(total, ms)} | ${c?.toFixed(1) ?? 'n/a'} |`);
  out();
}

// ---------------------------------------------------------------------------------------

const MiB = 2 ** 20;

/** Index settings with every filter for equality only and facet search off (now the default). */
function leanSettings() {
  return indexSettings('image');
}

/** The settings before equality-only filters: every filterable attribute with every feature. */
function fullFilterSettings() {
  return { ...indexSettings('image'), filterableAttributes: filterAttributes('image') };
}

interface MeiliVariant {
  label: string;
  bytes: number;
  inFlight: number;
  settings?: () => object;
  /** Start a separate server with this environment. */
  env?: Record<string, string>;
}

const MEILI_VARIANTS: Record<string, MeiliVariant> = {
  default: {
    label: `${DEFAULT_BATCH_BYTES / MiB} MiB payloads, ${DEFAULT_MAX_IN_FLIGHT} in flight (the refresh default)`,
    bytes: DEFAULT_BATCH_BYTES,
    inFlight: DEFAULT_MAX_IN_FLIGHT,
  },
  inflight1: { label: '8 MiB payloads, 1 in flight', bytes: 8 * MiB, inFlight: 1 },
  inflight2: { label: '8 MiB payloads, 2 in flight (Meilisearch auto-batches fewer queued ones)', bytes: 8 * MiB, inFlight: 2 },
  mib32: { label: '32 MiB payloads, 2 in flight', bytes: 32 * MiB, inFlight: 2 },
  mib64: { label: '64 MiB payloads, 2 in flight', bytes: 64 * MiB, inFlight: 2 },
  nofacetsearch: {
    label: 'settings + facetSearch: false, every filter feature on',
    bytes: 8 * MiB,
    inFlight: 2,
    settings: fullFilterSettings,
  },
  lean: {
    label: 'settings + facetSearch: false + equality-only filters (the default)',
    bytes: 8 * MiB,
    inFlight: 2,
    settings: leanSettings,
  },
  lean64: { label: 'lean settings (as above) and 64 MiB payloads, 2 in flight', bytes: 64 * MiB, inFlight: 2, settings: leanSettings },
  memory1g: {
    label: 'server with MEILI_MAX_INDEXING_MEMORY=1GiB, 8 MiB payloads, 2 in flight',
    bytes: 8 * MiB,
    inFlight: 2,
    env: { MEILI_MAX_INDEXING_MEMORY: '1GiB' },
  },
};

async function meiliVariants(client: pg.Client, meili: BenchMeili, scratch: string, teardown: Teardown, names: string[]): Promise<void> {
  log(`meili: raw pushes (${names.join(', ')})`);
  const results: [string, number, number, string][] = [];
  const files = new Map<number, NdjsonFile>();
  const fileFor = async (bytes: number) => {
    if (!files.has(bytes))
      files.set(bytes, await writeRefreshDocuments(client, 'image', SCHEMA, path.join(scratch, `docs-${bytes}.ndjson`), bytes, 0));
    return files.get(bytes)!;
  };
  for (const name of names) {
    const v = MEILI_VARIANTS[name];
    if (!v) throw new Error(`unknown Meilisearch variant "${name}"; known: ${Object.keys(MEILI_VARIANTS).join(', ')}`);
    let server = meili;
    if (v.env) {
      const saved = Object.fromEntries(Object.keys(v.env).map((k) => [k, process.env[k]]));
      Object.assign(process.env, v.env);
      try {
        server = await startBenchMeili(name, teardown);
      } finally {
        for (const [k, val] of Object.entries(saved)) {
          if (val === undefined) delete process.env[k];
          else process.env[k] = val;
        }
      }
    }
    try {
      const file = await fileFor(v.bytes);
      const admin = new MeiliAdmin(server.url, server.masterKey, 600_000);
      const index = `${server.indexPrefix}raw_${name}`;
      await admin.createIndex(index, v.settings ? v.settings() : indexSettings('image'));
      const cpu0 = server.pid ? cpuOf(server.pid) : null;
      const { seconds } = await pushBatches(admin, index, file, v.inFlight);
      const cpu = server.pid && cpu0 !== null ? (cpuOf(server.pid) ?? cpu0) - cpu0 : NaN;
      const b = await meiliBatches(admin, [index]);
      const top = [...b.steps.slice(0, 3), ...b.substeps.slice(0, 3)].map(([k, sec]) => `${k} ${sec.toFixed(1)}`).join(', ');
      results.push([
        `${name}: ${v.label}`,
        seconds,
        file.documents / seconds,
        `${file.batches.length} payloads → ${b.batches} batches; Meilisearch CPU ${cpu.toFixed(1)} s; top steps (s): ${top}`,
      ]);
      log(`  ${name}: ${seconds.toFixed(1)} s`);
      await admin.deleteIndex(index);
    } finally {
      if (server !== meili) await server.close();
    }
  }
  out(`### Raw Meilisearch push alone (same documents)`);
  out();
  out('| variant | seconds | docs/s | notes |');
  out('|---|---:|---:|---|');
  for (const [name, sec, r, note] of results) out(`| ${name} | ${sec.toFixed(1)} | ${Math.round(r).toLocaleString('en-US')} | ${note} |`);
  out();
}

// ---------------------------------------------------------------------------------------

const MEMORY_VARIANTS: Record<string, string[]> = {
  default: [],
  semi4: ['--max-semi-space-size=4'],
  semi1: ['--max-semi-space-size=1'],
  old192: ['--max-old-space-size=192'],
  old128semi4: ['--max-old-space-size=128', '--max-semi-space-size=4'],
};

async function memoryVariants(db: BenchDatabase, meili: BenchMeili, scratch: string, teardown: Teardown, names: string[]): Promise<void> {
  log(`memory: the CLI refresh under V8 heap settings (${names.join(', ')})`);
  const variants: [string, string[]][] = names.map((n) => {
    const flags = MEMORY_VARIANTS[n];
    if (!flags) throw new Error(`unknown memory variant "${n}"; known: ${Object.keys(MEMORY_VARIANTS).join(', ')}`);
    return [flags.length ? flags.join(' ') : 'default', flags];
  });
  out('### CLI refresh peak RSS by V8 heap setting');
  out();
  out('| node flags | seconds | docs/s | peak RSS MB |');
  out('|---|---:|---:|---:|');
  for (const [name, flags] of variants) {
    const r = await runIngest(db, meili, scratch, teardown, { nodeArgs: flags });
    out(`| ${name} | ${r.seconds.toFixed(1)} | ${rate(r.documents, r.seconds * 1000)} | ${mb(r.peakRss)} |`);
    log(`  ${name}: ${r.seconds.toFixed(1)} s, ${mb(r.peakRss)} MB`);
  }
  out();
}

// ---------------------------------------------------------------------------------------

interface TuningVariant {
  label: string;
  batchBytes?: number;
  maxInFlight?: number;
  nodeArgs?: string[];
}

const TUNING_VARIANTS: Record<string, TuningVariant> = {
  default: { label: `refresh defaults (${DEFAULT_BATCH_BYTES / MiB} MiB, ${DEFAULT_MAX_IN_FLIGHT} in flight)` },
  inflight8: { label: 'maxInFlight 8', maxInFlight: 8 },
  mib32: { label: 'batchBytes 32 MiB', batchBytes: 32 * MiB },
  mib64: { label: 'batchBytes 64 MiB', batchBytes: 64 * MiB },
  mib64old256: { label: 'batchBytes 64 MiB, --max-old-space-size=256', batchBytes: 64 * MiB, nodeArgs: ['--max-old-space-size=256'] },
  inflight8old192: { label: 'maxInFlight 8, --max-old-space-size=192', maxInFlight: 8, nodeArgs: ['--max-old-space-size=192'] },
};

/** refresh() end to end in a child process with its existing tuning options changed. */
async function tuningVariants(db: BenchDatabase, meili: BenchMeili, scratch: string, teardown: Teardown, names: string[]): Promise<void> {
  log(`tuning: refresh() with other batchBytes / maxInFlight (${names.join(', ')})`);
  out('### refresh() end to end with its tuning options changed (child process, bench/lib/refresh-child.ts)');
  out();
  out('| variant | seconds | docs/s | peak RSS MB | Meilisearch batches | Node / Postgres / Meilisearch CPU s |');
  out('|---|---:|---:|---:|---:|---|');
  for (const name of names) {
    const v = TUNING_VARIANTS[name];
    if (!v) throw new Error(`unknown tuning variant "${name}"; known: ${Object.keys(TUNING_VARIANTS).join(', ')}`);
    const env: Record<string, string> = {};
    if (v.batchBytes) env.BENCH_BATCH_BYTES = String(v.batchBytes);
    if (v.maxInFlight) env.BENCH_MAX_IN_FLIGHT = String(v.maxInFlight);
    const since = new Date();
    const r = await runIngest(db, meili, scratch, teardown, { nodeArgs: v.nodeArgs, env, script: ['bench/lib/refresh-child.ts'] });
    const admin = new MeiliAdmin(meili.url, meili.masterKey);
    // Only this refresh indexes documents in that window.
    const own = await meiliBatches(admin, [], { since })
      .then((b) => String(b.batches))
      .catch(() => 'n/a');
    out(
      `| ${name}: ${v.label} | ${r.seconds.toFixed(1)} | ${rate(r.documents, r.seconds * 1000)} | ${mb(r.peakRss)} | ${own} | ` +
        `${r.nodeCpu?.toFixed(1) ?? 'n/a'} / ${r.postgresCpu?.toFixed(1) ?? 'n/a'} / ${r.meiliCpu?.toFixed(1) ?? 'n/a'} |`,
    );
    log(`  ${name}: ${r.seconds.toFixed(1)} s, ${mb(r.peakRss)} MB`);
  }
  out();
}

main().catch((err: Error) => {
  console.error(`[stages] failed: ${err.stack ?? err.message}`);
  process.exit(1);
});
