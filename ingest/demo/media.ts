/**
 * What the demo catalog's media URLs promise and the stack's media server
 * (scripts/stack/media-server.ts) delivers: one home for the formats, sizes and lengths
 * both sides must agree on, so a row's `filetype`, `duration`, `sample_rate`, `bit_rate`
 * and `filesize` describe the file its URL serves.
 *
 * URLs carry what the server needs to render the file without a database:
 *   images  `<base>/images/<id>.<ext>?w=<px>&h=<px>`
 *   audio   `<base>/audio/<id>.wav?d=<ms>[&sr=<Hz>]`
 *
 * A demo image is a flat field of one palette colour with a disc of another in its centre
 * (`demoImageColors`), so its dominant colours are known without looking at it.
 */
import { COLOR_NAMES, type ColorName } from '../../model/colors.js';
import { fnv1a } from '../../model/hash.js';

/** Image extensions the server renders, each in its real format (JPEG, PNG, GIF, SVG). */
export const DEMO_IMAGE_TYPES = ['jpg', 'png', 'gif', 'svg'] as const;

/**
 * Audio the server renders: 16-bit mono PCM WAV only. MP3, Ogg and FLAC need an encoder
 * the server cannot afford: the pure-JS LAME port (@breezystack/lamejs) measured 25-50 ms
 * of CPU per second of 8 kHz mono audio, hours for the demo's 5,000 tracks, and their
 * waveforms would need ffmpeg or a WASM decoder (~1 ms per second of audio) where WAV is
 * decoded in JS at a tenth of that. So the demo has no such files.
 */
export const DEMO_AUDIO_TYPES = ['wav'] as const;

/** Sample rate of a track's main file: low, so that generating and decoding stay cheap. */
export const DEMO_AUDIO_SAMPLE_RATE = 8000;
/** Sample rates the server renders (the higher one is some tracks' alternative file). */
export const DEMO_AUDIO_SAMPLE_RATES = [8000, 16_000] as const;
const WAV_HEADER_BYTES = 44;
const BYTES_PER_SAMPLE = 2;

/** Longest track the server renders (the catalog's longest is shorter). */
export const MAX_DEMO_AUDIO_MS = 15 * 60_000;

/** Openverse's thumbnails are 600 px wide at most; the demo's are 600 px on the long side at most. */
export const THUMBNAIL_MAX_SIDE = 600;

/**
 * The two colours of demo image `id`: the field and the disc (another name), both
 * palette anchors. The field covers the larger share: the disc's radius is
 * `DEMO_DISC_RADIUS` of the short side, under 29 % of any picture.
 */
export function demoImageColors(id: string): { field: ColorName; disc: ColorName } {
  const h = fnv1a(id);
  const field = COLOR_NAMES[h % COLOR_NAMES.length];
  const others = COLOR_NAMES.filter((n) => n !== field);
  return { field, disc: others[(h >>> 8) % others.length] };
}

/** The disc's radius as a fraction of the picture's short side. */
export const DEMO_DISC_RADIUS = 0.3;

export function imageUrl(prefix: string, id: string, ext: string, width: number, height: number): string {
  return `${prefix}/images/${id}.${ext}?w=${width}&h=${height}`;
}

export function audioUrl(prefix: string, id: string, ms: number, sampleRate: number = DEMO_AUDIO_SAMPLE_RATE): string {
  const rate = sampleRate === DEMO_AUDIO_SAMPLE_RATE ? '' : `&sr=${sampleRate}`;
  return `${prefix}/audio/${id}.wav?d=${ms}${rate}`;
}

/** Samples in a track of `ms` milliseconds. */
export function audioSamples(ms: number, sampleRate: number = DEMO_AUDIO_SAMPLE_RATE): number {
  return Math.round((sampleRate * ms) / 1000);
}

/** Exact size in bytes of the WAV file the server renders for a track. */
export function wavBytes(ms: number, sampleRate: number = DEMO_AUDIO_SAMPLE_RATE): number {
  return WAV_HEADER_BYTES + audioSamples(ms, sampleRate) * BYTES_PER_SAMPLE;
}

/** Bits per second of 16-bit mono PCM. */
export function wavBitRate(sampleRate: number = DEMO_AUDIO_SAMPLE_RATE): number {
  return sampleRate * BYTES_PER_SAMPLE * 8;
}

/** A size scaled down (aspect ratio kept, never up) so its long side is at most `maxSide`. */
export function fitWithin(width: number, height: number, maxSide: number): [number, number] {
  const scale = Math.min(1, maxSide / Math.max(width, height));
  return [Math.max(1, Math.round(width * scale)), Math.max(1, Math.round(height * scale))];
}
