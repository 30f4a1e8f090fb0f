/**
 * Waveform peaks: decode an audio file to mono samples and reduce them to at most 1000
 * points in [0, 1] (the shape Openverse's `/waveform/` serves). WAV (PCM 8/16/24/32-bit,
 * float) is decoded here; other formats go through Debian's ffmpeg when it is installed
 * (`scripts/install-ffmpeg.sh`).
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { endianness } from 'node:os';
import { IngestError } from '../errors.js';

export const MAX_POINTS = 1000;
export const MAX_AUDIO_BYTES = 200 * 1024 * 1024;

/** Mono samples in [-1, 1] from a RIFF/WAVE file. */
export function decodeWav(buf: Buffer): Float32Array {
  if (buf.length < 44 || buf.toString('ascii', 0, 4) !== 'RIFF' || buf.toString('ascii', 8, 12) !== 'WAVE') {
    throw new IngestError('not a WAV file');
  }
  let offset = 12;
  let format = 0;
  let channels = 1;
  let bits = 16;
  while (offset + 8 <= buf.length) {
    const id = buf.toString('ascii', offset, offset + 4);
    const size = buf.readUInt32LE(offset + 4);
    const body = offset + 8;
    if (id === 'fmt ') {
      format = buf.readUInt16LE(body);
      channels = buf.readUInt16LE(body + 2);
      bits = buf.readUInt16LE(body + 14);
    } else if (id === 'data') {
      const end = Math.min(buf.length, body + size);
      const width = bits / 8;
      const frames = Math.floor((end - body) / (width * channels));
      if (format === 1 && bits === 16 && channels === 1 && LITTLE_ENDIAN) return decodeMono16(buf, body, frames);
      const out = new Float32Array(frames);
      for (let f = 0; f < frames; f++) {
        let sum = 0;
        for (let ch = 0; ch < channels; ch++) {
          const at = body + (f * channels + ch) * width;
          if (format === 3 && bits === 32) sum += buf.readFloatLE(at);
          else if (bits === 8) sum += (buf.readUInt8(at) - 128) / 128;
          else if (bits === 16) sum += buf.readInt16LE(at) / 32768;
          else if (bits === 24) sum += buf.readIntLE(at, 3) / 8388608;
          else if (bits === 32) sum += buf.readInt32LE(at) / 2147483648;
          else throw new IngestError(`unsupported WAV sample size ${bits}`);
        }
        out[f] = sum / channels;
      }
      return out;
    }
    offset = body + size + (size % 2);
  }
  throw new IngestError('WAV file has no data chunk');
}

/**
 * The common case (16-bit mono PCM) read through an Int16Array rather than a call per
 * sample, several times faster. Int16Array reads in the machine's byte order, so only on
 * little-endian machines (WAV is little-endian), and it needs an even byte offset: a copy
 * gives it one when the file's is odd.
 */
function decodeMono16(buf: Buffer, offset: number, frames: number): Float32Array {
  const aligned = (buf.byteOffset + offset) % 2 === 0 ? buf.subarray(offset) : Buffer.from(buf.subarray(offset, offset + frames * 2));
  const pcm = new Int16Array(aligned.buffer, aligned.byteOffset, frames);
  const out = new Float32Array(frames);
  for (let i = 0; i < frames; i++) out[i] = pcm[i] / 32768;
  return out;
}

const LITTLE_ENDIAN = endianness() === 'LE';

/** Mono 8 kHz samples through ffmpeg (any format it reads). */
export async function decodeWithFfmpeg(buf: Buffer, ffmpeg = '/usr/bin/ffmpeg'): Promise<Float32Array> {
  if (!existsSync(ffmpeg)) throw new IngestError('ffmpeg is not installed: run `bash scripts/install-ffmpeg.sh`');
  return new Promise((resolve, reject) => {
    const child = spawn(ffmpeg, ['-v', 'error', '-i', 'pipe:0', '-f', 's16le', '-ac', '1', '-ar', '8000', 'pipe:1'], {
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const chunks: Buffer[] = [];
    let err = '';
    child.stdout.on('data', (d: Buffer) => chunks.push(d));
    child.stderr.on('data', (d: Buffer) => (err += d));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) return reject(new IngestError(`ffmpeg failed: ${err.trim().split('\n').pop()}`));
      const pcm = Buffer.concat(chunks);
      const out = new Float32Array(Math.floor(pcm.length / 2));
      for (let i = 0; i < out.length; i++) out[i] = pcm.readInt16LE(i * 2) / 32768;
      resolve(out);
    });
    child.stdin.on('error', () => {});
    child.stdin.end(buf);
  });
}

/** Peak absolute amplitude per bucket, scaled so the loudest is 1, 5 decimals. */
export function peaksOf(samples: Float32Array, points = MAX_POINTS): number[] {
  if (samples.length === 0) return [];
  const n = Math.min(points, samples.length);
  const peaks = new Array<number>(n).fill(0);
  // Sample i falls in bucket floor(i * n / length): bucket b ends before ceil((b + 1) * length / n).
  let i = 0;
  for (let b = 0; b < n; b++) {
    const end = Math.ceil(((b + 1) * samples.length) / n);
    let peak = 0;
    for (; i < end; i++) {
      const v = Math.abs(samples[i]);
      if (v > peak) peak = v;
    }
    peaks[b] = peak;
  }
  const max = Math.max(...peaks);
  return peaks.map((p) => (max > 0 ? Math.round((p / max) * 1e5) / 1e5 : 0));
}

export async function waveformOf(buf: Buffer): Promise<number[]> {
  const isWav = buf.length >= 12 && buf.toString('ascii', 0, 4) === 'RIFF' && buf.toString('ascii', 8, 12) === 'WAVE';
  return peaksOf(isWav ? decodeWav(buf) : await decodeWithFfmpeg(buf));
}
