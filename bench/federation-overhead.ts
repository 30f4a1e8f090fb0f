/**
 * `npm run bench:federation -- [--docs 2000] [--requests 300]`
 *
 * What Meilisearch's own federation costs, apart from the Worker: three local nodes
 * joined into a network (`SHARDS=3` layout), `--docs` documents on each, and the same
 * query sent as (1) a plain search on one node, the baseline; (2) a federated
 * multi-search of one query on that node without `remote`; (3) the same naming the node
 * itself as its remote; (4) one query on another node through the network; (5) one
 * query per shard, as the Worker sends. Prints p50/p95 per form and its ratio to the
 * baseline, sequentially (c=1), after a warm-up; appends them to bench/RESULTS.md.
 */
import { appendFileSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Meilisearch } from 'meilisearch';
import { cliOptions, commandLine } from '../harness/args.js';
import { loadAvg, machine } from '../harness/proc.js';
import { MeiliAdmin } from '../ingest/meili-admin.js';
import { startMeiliNodes } from '../scripts/stack/meilisearch.js';
import { freePort } from '../scripts/stack/ports.js';

const RESULTS_FILE = path.join(path.dirname(fileURLToPath(import.meta.url)), 'RESULTS.md');
const USAGE = 'usage: npm run bench:federation -- [--docs N per node] [--requests N per form] [--no-record]';
const args = cliOptions(
  {
    docs: { type: 'string', default: '2000' },
    requests: { type: 'string', default: '300' },
    'no-record': { type: 'boolean', default: false },
  },
  USAGE,
);
const docs = Number(args.docs);
const requests = Number(args.requests);
if (!Number.isInteger(docs) || docs < 1 || !Number.isInteger(requests) || requests < 10) {
  console.error(`--docs must be a positive whole number and --requests at least 10\n\n${USAGE}`);
  process.exit(2);
}

const WORDS = ['mountain', 'lake', 'river', 'city', 'forest', 'sun', 'cat', 'dog', 'bird', 'tree'];
const Q = 'mountain lake';

async function main(): Promise<void> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'edgeverse-federation-'));
  const ports = [await freePort(), await freePort(), await freePort()];
  const net = await startMeiliNodes({ count: 3, dataDir: dir, ports, masterKey: 'federation-bench-master-key-0123' });
  try {
    for (const [i, n] of net.nodes.entries()) {
      const admin = new MeiliAdmin(n.url, n.masterKey);
      await admin.createIndex('images');
      const ndjson = Array.from({ length: docs }, (_, k) =>
        JSON.stringify({ id: `${i}-${k}`, title: `${WORDS[k % 10]} ${WORDS[(k * 7) % 10]} ${k}` }),
      ).join('\n');
      await admin.waitTask(await admin.addDocuments('images', ndjson));
    }
    const client = new Meilisearch({ host: net.nodes[0].url, apiKey: net.searchKey });
    const federated = (remotes: (string | undefined)[]) => () =>
      client.multiSearch({
        federation: { limit: 20 },
        queries: remotes.map((remote) => ({ indexUid: 'images', q: Q, ...(remote ? { federationOptions: { remote } } : {}) })),
      } as never);
    const forms: [string, () => Promise<unknown>][] = [
      ['plain search on one node (baseline)', () => client.index('images').search(Q)],
      ['federated, one local query, no remote', federated([undefined])],
      ['federated, one query naming the node itself', federated(['s0'])],
      ['federated, one query on another node', federated(['s1'])],
      ['federated, one query per shard (the Worker)', federated(['s0', 's1', 's2'])],
    ];
    const rows: { form: string; p50: number; p95: number }[] = [];
    for (const [form, call] of forms) {
      for (let i = 0; i < 20; i++) await call();
      const t: number[] = [];
      for (let i = 0; i < requests; i++) {
        const s = performance.now();
        await call();
        t.push(performance.now() - s);
      }
      t.sort((a, b) => a - b);
      rows.push({ form, p50: t[Math.floor(t.length / 2)], p95: t[Math.floor(t.length * 0.95)] });
    }
    const base = rows[0];
    const m = machine();
    const lines = [
      `\n## ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC — what Meilisearch 1.21's federation costs (three local nodes)\n`,
      `\`${commandLine('bench:federation')}\`; ${m.cpus} × ${m.cpuModel}; load average ${loadAvg()}; ${docs} documents per node, ${requests} requests per form, one at a time, through the official client.\n`,
      '| form | p50 ms | p95 ms | p50 / baseline |',
      '|---|---:|---:|---:|',
      ...rows.map((r) => `| ${r.form} | ${r.p50.toFixed(2)} | ${r.p95.toFixed(2)} | ${(r.p50 / base.p50).toFixed(1)}× |`),
    ];
    const text = lines.join('\n');
    console.log(text);
    if (!args['no-record']) appendFileSync(RESULTS_FILE, `${text}\n`);
  } finally {
    await net.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err: Error) => {
  console.error(`[bench:federation] failed: ${err.stack ?? err.message}`);
  process.exit(1);
});
