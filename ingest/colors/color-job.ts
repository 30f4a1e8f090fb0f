/**
 * `npm run colors -- [--limit N] [--concurrency N]`: computes the dominant colours of
 * images that have none (or whose thumbnail changed since), from the thumbnail or, when
 * there is none, the image; stores them in Postgres (`image_color`, read by every later
 * refresh) and sets them on the live generation's documents at once (a partial update,
 * each on its shard). Downloads follow the waveform job's rules (media-download.ts).
 * Each failure is reported by id; the job goes on.
 */
import type pg from 'pg';
import { colorFields } from '../../model/document.js';
import { topologyOf, type IngestConfig } from '../config.js';
import { IngestError } from '../errors.js';
import { livePlacement } from '../generations/layout.js';
import { readGeneration } from '../generations/records.js';
import { MeiliAdmin } from '../meili-admin.js';
import { type MediaJobStats, runMediaJob } from '../media-job.js';
import { pointerOf, type Placement, updateDocuments } from '../shards/placement.js';
import { bumpCacheGeneration } from '../tasks/notify-worker.js';
import { downloadMedia } from '../waveforms/media-download.js';
import { dominantColors, MAX_IMAGE_BYTES } from './dominant-colors.js';
import { COLOR_SOURCE_SQL, storeColors } from './stored-colors.js';

export interface ColorJobStats extends MediaJobStats {
  /** Documents of the live generation given their colours. */
  indexed: number;
}

/** Documents per partial update of the live index. */
const UPDATE_BATCH = 200;

export interface ColorJobOptions {
  limit?: number;
  concurrency?: number;
  /** Local stack and tests only: fetch from loopback/private hosts (the demo media server). */
  allowPrivate?: boolean;
  onProgress?: (done: number, total: number) => void;
  /** The live image generation to update as colours come in; none: Postgres only (the next refresh carries them). */
  live?: Placement | null;
  /** Called once after the live documents changed (the caller tells the Worker its cached answers are stale). */
  onIndexed?: () => Promise<unknown>;
}

export async function computeColors(client: pg.ClientBase, opts: ColorJobOptions = {}): Promise<ColorJobStats> {
  const { rows } = await client.query<{ identifier: string; source_url: string }>(
    `select i.identifier::text, ${COLOR_SOURCE_SQL} as source_url from image i left join image_color c using (identifier)
      where c.identifier is null or c.source_url is distinct from ${COLOR_SOURCE_SQL} order by i.identifier limit $1`,
    [opts.limit ?? 1_000_000],
  );
  let pending: ({ id: string } & Record<string, unknown>)[] = [];
  let indexed = 0;
  let updates: Promise<void> = Promise.resolve();
  let updateError: Error | null = null;
  // Live updates go out in batches, one after the other, while downloads go on.
  const flush = () => {
    const docs = pending;
    pending = [];
    if (!opts.live || docs.length === 0) return;
    const live = opts.live;
    updates = updates.then(() =>
      updateDocuments(live, docs, { existingOnly: true }).then(
        () => {
          indexed += docs.length;
        },
        (err: Error) => {
          updateError ??= err;
        },
      ),
    );
  };
  const stats = await runMediaJob(
    rows,
    async (row, serially) => {
      const bytes = await downloadMedia(row.source_url, {
        maxBytes: MAX_IMAGE_BYTES,
        allowPrivate: opts.allowPrivate,
        userAgent: 'EdgeverseColor/0.1',
      });
      const colors = dominantColors(bytes);
      await serially(() => storeColors(client, row.identifier, row.source_url, colors));
      pending.push({ id: row.identifier, ...colorFields(colors) });
      if (pending.length >= UPDATE_BATCH) flush();
    },
    opts,
  );
  flush();
  await updates;
  if (updateError) {
    throw new IngestError(
      `colours stored in Postgres, but the live index was not updated (${(updateError as Error).message}); the next refresh carries them`,
    );
  }
  if (indexed > 0) await opts.onIndexed?.();
  return { ...stats, indexed };
}

/**
 * Where a run sends its live updates: the live image generation (each document on its
 * shard), and the Worker's cache bump once they landed; no live generation yet, none.
 */
export async function liveColorTarget(client: pg.ClientBase, config: IngestConfig): Promise<Pick<ColorJobOptions, 'live' | 'onIndexed'>> {
  if (!(await readGeneration(client, 'image'))) return { live: null };
  const live = await livePlacement(client, {
    meili: new MeiliAdmin(config.meiliUrl, config.meiliMasterKey),
    topology: topologyOf(config),
    mediaType: 'image',
    indexPrefix: config.indexPrefix,
  });
  return { live, onIndexed: () => bumpCacheGeneration(config, 'image', `colors.${Date.now()}`, pointerOf(live)) };
}
