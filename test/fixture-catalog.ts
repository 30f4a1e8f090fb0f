/**
 * The catalog the workerd tests search: a small generated demo catalog in the upstream
 * schema plus the real sample rows, ingested through the production refresh path.
 */
import pg from 'pg';
import { loadDemoCatalog } from '../ingest/demo/load-demo.js';
import { MeiliAdmin } from '../ingest/meili-admin.js';
import { computeWaveforms } from '../ingest/waveforms/waveform-job.js';
import { computeColors } from '../ingest/colors/color-job.js';
import { livePlacement } from '../ingest/generations/layout.js';
import { COLOR_NAMES } from '../model/colors.js';
import { refresh } from '../ingest/generations/refresh.js';
import { fileSource } from '../ingest/sources/files.js';
import { chainSources } from '../ingest/sources/source.js';
import { upstreamPostgresSource } from '../ingest/sources/upstream-postgres.js';
import type { TestServices } from './services.js';
import { hasSharedData, sharedAudioFiles, sharedImageFiles, SHARED_DATA_MISSING } from './shared-data.js';

export const FIXTURE_IMAGES = 400;
export const FIXTURE_AUDIO = 150;
export async function loadFixtureCatalog(
  services: TestServices,
  mediaBaseUrl: string,
): Promise<{ images: number; audio: number; realRows: number; deadImageId: string | null; colors: Record<string, string[]> }> {
  const client = new pg.Client({ connectionString: services.databaseUrl });
  await client.connect();
  try {
    await loadDemoCatalog(client, { schema: 'upstream', images: FIXTURE_IMAGES, audio: FIXTURE_AUDIO, mediaBaseUrl });
    // A few works whose media the server answers with 404 (dead links).
    await client.query(
      `update upstream.image set url = $1 || '/dead/' || identifier || '.jpg', meta_data = coalesce(meta_data, '{}'::jsonb) - 'mature' where id in (7, 77)`,
      [mediaBaseUrl],
    );
    // Works whose text holds a term of the sensitive list (hidden like mature ones).
    await client.query(
      `update upstream.image set title = 'Beach party NSFW edition', meta_data = coalesce(meta_data, '{}'::jsonb) - 'mature' where id in (33, 133)`,
    );
    // Enough mature works that the `mature` filters have something to hide.
    for (const table of ['image', 'audio']) {
      await client.query(
        `update upstream.${table} set meta_data = coalesce(meta_data, '{}'::jsonb) || '{"mature": true}'::jsonb where id % 20 = 0`,
      );
    }
    if (!hasSharedData) console.warn(SHARED_DATA_MISSING);
    const meili = new MeiliAdmin(services.meiliUrl, services.meiliMasterKey);
    const counts = { images: 0, audio: 0, realRows: 0, deadImageId: null as string | null, colors: {} as Record<string, string[]> };
    for (const mediaType of ['image', 'audio'] as const) {
      const files = mediaType === 'image' ? sharedImageFiles() : sharedAudioFiles();
      const stats = await refresh({
        mediaType,
        api: client,
        meili,
        indexPrefix: services.indexPrefix,
        source: chainSources([upstreamPostgresSource(client, mediaType, { schema: 'upstream' }), ...files.map((f) => fileSource(f))]),
      });
      counts[mediaType === 'image' ? 'images' : 'audio'] = stats.indexed;
      counts.realRows += stats.read - (mediaType === 'image' ? FIXTURE_IMAGES : FIXTURE_AUDIO);
    }
    // Waveforms of the demo tracks (served by the media server); remote real rows fail.
    await computeWaveforms(client, { concurrency: 8, allowPrivate: true });
    // Dominant colours, set on the live documents by the colour job (remote real rows
    // fail); per name, the works a default search may show. The first 200 works by id
    // (about 90 demo images, each colour on some): all 880 took a minute of the setup.
    const live = await livePlacement(client, { meili, mediaType: 'image', indexPrefix: services.indexPrefix });
    await computeColors(client, { limit: 200, concurrency: 4, allowPrivate: true, live });
    for (const name of COLOR_NAMES) {
      const { rows } = await client.query<{ identifier: string }>(
        `select identifier::text from image join image_color using (identifier)
          where not mature and not sensitive_text and colors @> jsonb_build_array(jsonb_build_object('name', $1::text))
          order by identifier`,
        [name],
      );
      counts.colors[name] = rows.map((r) => r.identifier);
    }
    // One image whose media URL the media server answers with 404.
    const dead = await client.query<{ identifier: string }>(
      "select identifier::text from image where url like '%/dead/%' and not mature limit 1",
    );
    counts.deadImageId = dead.rows[0]?.identifier ?? null;
    return counts;
  } finally {
    await client.end();
  }
}
