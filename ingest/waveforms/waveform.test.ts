import { existsSync } from 'node:fs';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../test/node-database.js';
import { loadDemoCatalog } from '../demo/load-demo.js';
import { IngestError } from '../errors.js';
import { decodeWav, MAX_POINTS, peaksOf, waveformOf } from './waveform.js';
import { computeWaveforms } from './waveform-job.js';

/** A sine sweep (100 Hz → 2 kHz) whose amplitude rises linearly from 0 to 1. */
function sweepWav(seconds: number, rate = 8000, bits: 8 | 16 = 16, channels = 1): Buffer {
  const frames = seconds * rate;
  const width = bits / 8;
  const data = Buffer.alloc(frames * width * channels);
  let phase = 0;
  for (let i = 0; i < frames; i++) {
    const t = i / frames;
    phase += (2 * Math.PI * (100 + 1900 * t)) / rate;
    const v = t * Math.sin(phase);
    for (let ch = 0; ch < channels; ch++) {
      const at = (i * channels + ch) * width;
      if (bits === 16) data.writeInt16LE(Math.round(v * 32767), at);
      else data.writeUInt8(Math.round(128 + v * 127), at);
    }
  }
  const header = Buffer.alloc(44);
  header.write('RIFF', 0);
  header.writeUInt32LE(36 + data.length, 4);
  header.write('WAVE', 8);
  header.write('fmt ', 12);
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20);
  header.writeUInt16LE(channels, 22);
  header.writeUInt32LE(rate, 24);
  header.writeUInt32LE(rate * width * channels, 28);
  header.writeUInt16LE(width * channels, 32);
  header.writeUInt16LE(bits, 34);
  header.write('data', 36);
  header.writeUInt32LE(data.length, 40);
  return Buffer.concat([header, data]);
}

describe('waveform peaks', () => {
  it('follow the envelope of a sine sweep', async () => {
    const peaks = await waveformOf(sweepWav(5));
    expect(peaks).toHaveLength(MAX_POINTS);
    expect(Math.max(...peaks)).toBe(1);
    expect(peaks.every((p) => p >= 0 && p <= 1)).toBe(true);
    // Rising amplitude: each tenth louder than the one before.
    const tenths = Array.from({ length: 10 }, (_, i) => Math.max(...peaks.slice(i * 100, i * 100 + 100)));
    for (let i = 1; i < 10; i++) expect(tenths[i]).toBeGreaterThan(tenths[i - 1]);
    expect(tenths[0]).toBeLessThan(0.15);
  });

  it('decode 8-bit and stereo PCM alike', () => {
    const mono16 = peaksOf(decodeWav(sweepWav(1)));
    const stereo8 = peaksOf(decodeWav(sweepWav(1, 8000, 8, 2)));
    expect(stereo8).toHaveLength(mono16.length);
    const diff = Math.max(...mono16.map((v, i) => Math.abs(v - stereo8[i])));
    expect(diff).toBeLessThan(0.05);
  });

  it('decode 16-bit mono PCM alike wherever the file sits in memory', () => {
    const wav = sweepWav(1);
    const odd = Buffer.alloc(wav.length + 1);
    wav.copy(odd, 1);
    expect(decodeWav(odd.subarray(1))).toEqual(decodeWav(wav));
    expect(decodeWav(wav)[4000]).toBeCloseTo(wav.readInt16LE(44 + 8000) / 32768, 6);
  });

  it('put sample i in bucket floor(i × points / length), whatever the length', () => {
    for (const length of [999, 1001, 7919, 12_345]) {
      const samples = Float32Array.from({ length }, (_, i) => Math.sin(i * 0.37) * ((i % 97) / 97));
      const points = Math.min(MAX_POINTS, length);
      const expected = new Array<number>(points).fill(0);
      for (let i = 0; i < length; i++) {
        const b = Math.floor((i * points) / length);
        expected[b] = Math.max(expected[b], Math.abs(samples[i]));
      }
      const max = Math.max(...expected);
      expect(peaksOf(samples)).toEqual(expected.map((p) => Math.round((p / max) * 1e5) / 1e5));
    }
  });

  it('refuse what is not audio, with what to do next', async () => {
    expect(() => decodeWav(Buffer.from('not audio at all, really not'))).toThrow(IngestError);
    if (!existsSync('/usr/bin/ffmpeg')) {
      await expect(waveformOf(Buffer.from('ID3 not really an mp3'))).rejects.toThrow(/install-ffmpeg/);
    } else {
      await expect(waveformOf(Buffer.from('ID3 not really an mp3'))).rejects.toThrow(/ffmpeg failed/);
    }
  });
});

describe('waveform job', () => {
  let database: TestDatabase;
  let client: pg.Client;
  beforeAll(async () => {
    database = await createTestDatabase();
    client = new pg.Client({ connectionString: database.url });
    await client.connect();
    await loadDemoCatalog(client, { schema: 'upstream', images: 1, audio: 12, mediaBaseUrl: inject('mediaUrl') });
    await client.query(`insert into audio (identifier, created_on, updated_on, url, license)
      select identifier, created_on, updated_on, url, license from upstream.audio`);
    await client.query(
      `update audio set url = replace(url, '/audio/', '/dead/') where identifier = (select min(identifier::text)::uuid from audio)`,
    );
  });
  afterAll(async () => {
    await client?.end();
    await database?.drop();
  });

  it('stores peaks for every track it can fetch and reports the others by id', async () => {
    const stats = await computeWaveforms(client, { concurrency: 3, allowPrivate: true });
    expect(stats.done).toBe(11);
    expect(stats.failed).toHaveLength(1);
    expect(stats.failed[0].error).toBe('HTTP 404');
    const { rows } = await client.query<{ n: number }>('select count(*)::int as n from audio_waveform');
    expect(rows[0].n).toBe(11);
    expect((await computeWaveforms(client, { allowPrivate: true })).done).toBe(0);
  });
});
