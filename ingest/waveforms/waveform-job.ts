/**
 * `npm run waveforms -- [--limit N] [--concurrency N]`: computes and stores peaks for
 * audio tracks that have none. Each failure is reported by id; the job goes on.
 */
import type pg from 'pg';
import { type MediaJobStats, runMediaJob } from '../media-job.js';
import { downloadMedia } from './media-download.js';
import { MAX_AUDIO_BYTES, waveformOf } from './waveform.js';

export type WaveformJobStats = MediaJobStats;

export async function computeWaveforms(
  client: pg.ClientBase,
  opts: {
    limit?: number;
    concurrency?: number;
    /** Local stack and tests only: fetch from loopback/private hosts (the demo media server). */
    allowPrivate?: boolean;
    onProgress?: (done: number, total: number) => void;
  } = {},
): Promise<WaveformJobStats> {
  const { rows } = await client.query<{ identifier: string; url: string }>(
    `select a.identifier::text, a.url from audio a left join audio_waveform w using (identifier)
      where w.identifier is null order by a.identifier limit $1`,
    [opts.limit ?? 1_000_000],
  );
  return runMediaJob(
    rows,
    async (row, serially) => {
      const audio = await downloadMedia(row.url, {
        maxBytes: MAX_AUDIO_BYTES,
        allowPrivate: opts.allowPrivate,
        userAgent: 'EdgeverseWaveform/0.1',
      });
      const peaks = await waveformOf(audio);
      await serially(() =>
        client.query(
          `insert into audio_waveform (identifier, peaks) values ($1, $2::jsonb)
           on conflict (identifier) do update set peaks = excluded.peaks, created_on = now()`,
          [row.identifier, JSON.stringify(peaks)],
        ),
      );
    },
    opts,
  );
}
