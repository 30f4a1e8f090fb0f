/**
 * What the local stack's demo media cost in CPU.
 *
 *   node --import tsx bench/demo-media.ts [--tracks 5000] [--images 200] [--concurrency 4]
 *
 * Audio: the first N demo tracks' files fetched from an in-process media server and
 * reduced to waveform peaks as the waveform backfill of a fresh `npm start` does
 * (`downloadMedia` then `waveformOf`, N at a time; the database insert is left out), so
 * the process's CPU time covers rendering, HTTP on both sides, decoding and peaks.
 * Images: the first N demo images rendered at their served full size and at their
 * thumbnail size, per format, each once (the server caches what it rendered).
 */
import { parseArgs } from 'node:util';
import { demoAudio, demoImages } from '../ingest/demo/catalog.js';
import { downloadMedia } from '../ingest/waveforms/media-download.js';
import { MAX_AUDIO_BYTES, waveformOf } from '../ingest/waveforms/waveform.js';
import { startMediaServer } from '../scripts/stack/media-server.js';

const { values } = parseArgs({
  options: {
    tracks: { type: 'string', default: '5000' },
    images: { type: 'string', default: '200' },
    concurrency: { type: 'string', default: '4' },
  },
});
const tracks = Number(values.tracks);
const images = Number(values.images);
const concurrency = Number(values.concurrency);

const cpuMs = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

const server = await startMediaServer({ port: 0 });
try {
  const rows = [...demoAudio(tracks, { mediaBaseUrl: server.url })].filter((r) => r.url.startsWith(`${server.url}/audio/`));
  const seconds = rows.reduce((sum, r) => sum + (r.duration ?? 0), 0) / 1000;
  let bytes = 0;
  let next = 0;
  const cpu0 = cpuMs();
  const wall0 = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < rows.length) {
        const row = rows[next++];
        const file = await downloadMedia(row.url, { maxBytes: MAX_AUDIO_BYTES, allowPrivate: true });
        bytes += file.length;
        await waveformOf(file);
      }
    }),
  );
  const cpu = cpuMs() - cpu0;
  const wall = (performance.now() - wall0) / 1000;
  console.log(
    `audio: ${rows.length} tracks, ${(seconds / 3600).toFixed(1)} h of audio, ${(bytes / 1e9).toFixed(2)} GB: ` +
      `${(cpu / 1000).toFixed(1)} s CPU (${(cpu / rows.length).toFixed(1)} ms per track, ` +
      `${(cpu / seconds).toFixed(3)} ms per second of audio), ${wall.toFixed(1)} s wall at concurrency ${concurrency}`,
  );

  const perFormat = new Map<string, { n: number; full: number; thumb: number }>();
  for (const row of demoImages(images, { mediaBaseUrl: server.url })) {
    if (!row.url.startsWith(`${server.url}/images/`)) continue;
    const entry = perFormat.get(row.filetype ?? '?') ?? { n: 0, full: 0, thumb: 0 };
    let t = cpuMs();
    await downloadMedia(row.url, { maxBytes: MAX_AUDIO_BYTES, allowPrivate: true });
    entry.full += cpuMs() - t;
    if (row.thumbnail) {
      t = cpuMs();
      await downloadMedia(row.thumbnail, { maxBytes: MAX_AUDIO_BYTES, allowPrivate: true });
      entry.thumb += cpuMs() - t;
    }
    entry.n++;
    perFormat.set(row.filetype ?? '?', entry);
  }
  for (const [format, e] of perFormat) {
    console.log(
      `images: ${format}: ${e.n} rendered, ${(e.full / e.n).toFixed(1)} ms CPU per full-size file, thumbnails (JPEG or SVG) ${(e.thumb / e.n).toFixed(1)} ms`,
    );
  }
} finally {
  await server.close();
}
