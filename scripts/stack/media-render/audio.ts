/**
 * The media server's tracks: 16-bit mono PCM WAV of the exact requested length, music
 * chosen from the identifier. A track is a row of sections (a level and a playing style
 * each, sometimes a rest) filled with sine notes whose envelopes attack, decay, swell or
 * stop short, so the track's waveform has the shape of music: loud and quiet passages,
 * note onsets, silences, a fade-out. Its sound is beside the point; its cost is not: one
 * note is one recurrence per sample, no Math.sin in the loop.
 */
import { endianness } from 'node:os';
import { audioSamples } from '../../../ingest/demo/media.js';
import { fnv1a } from '../../../model/hash.js';

/** Pentatonic note frequencies (Hz), A3..A5. */
const NOTES = [220.0, 261.63, 293.66, 329.63, 392.0, 440.0, 523.25, 587.33, 659.25, 783.99, 880.0];

type Style = 'pluck' | 'swell' | 'staccato' | 'rest';

/** Section levels and styles: quiet passages and rests are what give a waveform its shape. */
const LEVELS = [0.12, 0.25, 0.45, 0.7, 1.0];
const STYLES: readonly Style[] = ['pluck', 'pluck', 'pluck', 'swell', 'staccato', 'staccato', 'rest'];

/** Tiny xorshift32 stream, seeded from the identifier. */
class Stream {
  private s: number;
  constructor(seed: number) {
    this.s = seed || 0x9e3779b9;
  }
  next(): number {
    let x = this.s;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.s = x >>> 0;
    return this.s / 4294967296;
  }
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)];
  }
}

/** The WAV file of track `id`, `ms` long at `sampleRate` Hz. */
export function renderWav(id: string, ms: number, sampleRate: number): Buffer {
  const samples = audioSamples(ms, sampleRate);
  const header = Buffer.alloc(44);
  header.write('RIFF', 0, 'ascii');
  header.writeUInt32LE(36 + samples * 2, 4);
  header.write('WAVE', 8, 'ascii');
  header.write('fmt ', 12, 'ascii');
  header.writeUInt32LE(16, 16); // fmt chunk size
  header.writeUInt16LE(1, 20); // PCM
  header.writeUInt16LE(1, 22); // mono
  header.writeUInt32LE(sampleRate, 24);
  header.writeUInt32LE(sampleRate * 2, 28); // byte rate
  header.writeUInt16LE(2, 32); // block align
  header.writeUInt16LE(16, 34); // bits per sample
  header.write('data', 36, 'ascii');
  header.writeUInt32LE(samples * 2, 40);
  const pcm = new Int16Array(samples);
  compose(pcm, new Stream(fnv1a(id)), sampleRate);
  fadeOut(pcm, sampleRate);
  const data = Buffer.from(pcm.buffer, pcm.byteOffset, pcm.byteLength);
  if (endianness() === 'BE') data.swap16(); // WAV is little-endian
  return Buffer.concat([header, data]);
}

/**
 * Sections of 1.5 s up to a third of the track (20 s at most), each with a level and a
 * style; notes of 120-900 ms fill them.
 */
function compose(pcm: Int16Array, rng: Stream, rate: number): void {
  const total = pcm.length;
  const minSection = Math.min(total, Math.round(1.5 * rate));
  const maxSection = Math.max(minSection, Math.min(20 * rate, Math.round(total / 3)));
  let at = 0;
  let first = true;
  while (at < total) {
    const length = Math.min(total - at, minSection + Math.floor(rng.next() * (maxSection - minSection + 1)));
    // The first section always plays: a track does not open on a long silence.
    const style = first ? 'pluck' : rng.pick(STYLES);
    const level = rng.pick(LEVELS);
    first = false;
    if (style !== 'rest') playSection(pcm, at, length, style, level, rng, rate);
    at += length;
  }
}

function playSection(
  pcm: Int16Array,
  start: number,
  length: number,
  style: Exclude<Style, 'rest'>,
  level: number,
  rng: Stream,
  rate: number,
): void {
  const end = start + length;
  let at = start;
  while (at < end) {
    const noteLength = Math.min(end - at, Math.round(((120 + rng.next() * 780) / 1000) * rate));
    const freq = rng.pick(NOTES);
    const sounding = style === 'staccato' ? Math.max(1, Math.round(noteLength * 0.45)) : noteLength;
    // Accents: notes within a section vary by up to ±30 %.
    note(pcm, at, sounding, freq, level * (0.7 + 0.3 * rng.next()), style, rate);
    at += noteLength;
  }
}

/** One sine note written at `start`: plucks decay exponentially, swells rise then fall. */
function note(
  pcm: Int16Array,
  start: number,
  length: number,
  freq: number,
  peak: number,
  style: 'pluck' | 'swell' | 'staccato',
  rate: number,
): void {
  const w = (2 * Math.PI * freq) / rate;
  const k = 2 * Math.cos(w);
  // s[n] = sin(n w) by the recurrence s[n] = k s[n-1] - s[n-2].
  let prev = -Math.sin(w);
  let cur = 0;
  const swell = style === 'swell';
  const attack = swell ? Math.max(1, Math.round(length * 0.6)) : Math.max(1, Math.round(rate * 0.005));
  const release = Math.max(1, Math.min(length - 1, Math.round(rate * 0.01))); // no click at the end
  // Plucks lose ~95 % of their level over the note; the others hold it.
  const decay = style === 'pluck' ? Math.exp(Math.log(0.05) / length) : 1;
  let env = peak * 32767;
  for (let n = 0; n < length; n++) {
    const left = length - n;
    const shape = n < attack ? n / attack : swell ? left / (length - attack) : 1;
    // An Int16Array store truncates towards zero: cheaper than Math.round, inaudibly different.
    pcm[start + n] = cur * env * shape * (left < release ? left / release : 1);
    const next = k * cur - prev;
    prev = cur;
    cur = next;
    env *= decay;
  }
}

/** The last 2 s (or tenth of a short track) fade to silence. */
function fadeOut(pcm: Int16Array, rate: number): void {
  const length = Math.min(pcm.length, Math.round(2 * rate), Math.ceil(pcm.length / 10));
  const from = pcm.length - length;
  for (let i = from; i < pcm.length; i++) pcm[i] = Math.round((pcm[i] * (pcm.length - i)) / length);
}
