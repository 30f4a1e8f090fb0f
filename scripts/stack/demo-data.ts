/**
 * Loads the generated demo catalog into the upstream tables and refreshes the search
 * indexes from it, unless both already hold exactly this catalog (second `npm start`).
 */
import pg from 'pg';
import { demoCatalogFingerprint } from '../../ingest/demo/catalog.js';
import { loadDemoCatalog } from '../../ingest/demo/load-demo.js';
import { topologyOf, type IngestConfig } from '../../ingest/config.js';
import { MeiliAdmin } from '../../ingest/meili-admin.js';
import { runTask } from '../../ingest/tasks/run-task.js';
import { settingsDiffer } from '../../ingest/generations/checks.js';
import { progressLine, taskSummary } from '../../ingest/tasks/format.js';
import { MEDIA_TYPES } from '../../model/record.js';
import { liveIndexName } from '../../model/search-index.js';

export interface DemoOptions {
  images: number;
  audio: number;
  mediaBaseUrl: string;
  seed?: number;
  log: (line: string) => void;
}

async function query<T extends pg.QueryResultRow>(client: pg.Client, text: string, params: unknown[] = []): Promise<T[]> {
  return (await client.query<T>(text, params)).rows;
}

export async function ensureDemoData(config: IngestConfig, opts: DemoOptions): Promise<{ loaded: boolean; ingested: boolean }> {
  const fingerprint = demoCatalogFingerprint(opts);
  const schema = config.upstreamSchema;
  const client = new pg.Client({ connectionString: config.databaseUrl });
  client.on('error', () => {});
  await client.connect();
  let loaded = false;
  let ingested = false;
  try {
    await client.query(`create schema if not exists "${schema}"`);
    await client.query(
      `create table if not exists "${schema}".demo_catalog (id int primary key default 1, fingerprint text not null, ingested text)`,
    );
    const [meta] = await query<{ fingerprint: string; ingested: string | null }>(
      client,
      `select fingerprint, ingested from "${schema}".demo_catalog`,
    );
    if (meta?.fingerprint !== fingerprint) {
      const started = Date.now();
      await loadDemoCatalog(client, {
        schema,
        images: opts.images,
        audio: opts.audio,
        mediaBaseUrl: opts.mediaBaseUrl,
        seed: opts.seed,
      });
      await client.query(
        `insert into "${schema}".demo_catalog (id, fingerprint, ingested) values (1, $1, null)
         on conflict (id) do update set fingerprint = excluded.fingerprint, ingested = null`,
        [fingerprint],
      );
      loaded = true;
      opts.log(
        `demo catalog generated: ${opts.images} images, ${opts.audio} audio tracks in ${((Date.now() - started) / 1000).toFixed(1)} s`,
      );
    }
    const topology = topologyOf(config);
    const nodes = new Map(topology.nodes.map((n) => [n.name, new MeiliAdmin(n.url, n.masterKey)]));
    const generations = await query<{
      media_type: 'image' | 'audio';
      document_count: number;
      live_index: string;
      shards: string[][] | null;
    }>(client, 'select media_type, document_count, live_index, shards from search_generation');
    // `DEMO_IMAGES=0` (or audio): no demo of that kind, an empty start for your own data.
    const kinds = MEDIA_TYPES.filter((m) => (m === 'image' ? opts.images : opts.audio) > 0);
    let indexesMatch = kinds.every((m) => generations.some((g) => g.media_type === m));
    for (const g of generations) {
      // One node: the served alias there. A network: the generation index on the first
      // node of each shard, which must be this topology's (else the layout changed).
      const holders = g.shards
        ? g.shards.map((s) => nodes.get(s[0]))
        : topology.networked
          ? [undefined]
          : [nodes.get(topology.nodes[0].name)];
      const uid = g.shards ? g.live_index : liveIndexName(g.media_type, config.indexPrefix);
      let documents = 0;
      let current = true;
      for (const meili of holders) {
        if (!meili || !(await meili.indexExists(uid)) || (await settingsDiffer(meili, uid, g.media_type)).length > 0) {
          current = false;
          break;
        }
        documents += await meili.documentCount(uid);
      }
      if (!current || documents !== g.document_count) indexesMatch = false;
    }
    if (!loaded && meta?.ingested === fingerprint && indexesMatch) return { loaded, ingested };
    for (const mediaType of MEDIA_TYPES.filter((m) => !kinds.includes(m))) {
      opts.log(
        `no demo ${mediaType} works (DEMO_${mediaType === 'image' ? 'IMAGES' : 'AUDIO'}=0): load your own with \`npm run ingest -- refresh --media ${mediaType} --source <file>\``,
      );
    }
    for (const mediaType of kinds) {
      let last = 0;
      const stats = await runTask(config, 'refresh', mediaType, {
        onProgress: (p) => {
          if (Date.now() - last > 2000 || p.phase === 'done') {
            last = Date.now();
            opts.log(progressLine(mediaType, p));
          }
        },
      });
      for (const line of taskSummary(stats)) opts.log(line);
    }
    await client.query(`update "${schema}".demo_catalog set ingested = $1`, [fingerprint]);
    ingested = true;
    return { loaded, ingested };
  } finally {
    await client.end().catch(() => {});
  }
}
