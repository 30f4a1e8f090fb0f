// @vitest-environment node
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import jpeg from 'jpeg-js';
import { GifReader } from 'omggif';
import { inflateSync } from 'node:zlib';
import { demoAudio, demoImages } from '../../ingest/demo/catalog.js';
import { DEMO_AUDIO_TYPES, DEMO_IMAGE_TYPES, THUMBNAIL_MAX_SIDE } from '../../ingest/demo/media.js';
import { decodeWav, waveformOf } from '../../ingest/waveforms/waveform.js';
import { MAX_IMAGE_SIDE, startMediaServer, type MediaServer } from './media-server.js';

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const ID = '197916da-5c9f-43a4-addf-309c6ea32f5a';

let server: MediaServer;

beforeAll(async () => {
  server = await startMediaServer({ port: 0, slowMs: 300 });
});
afterAll(async () => {
  await server.close();
});

async function get(path: string, init?: RequestInit): Promise<{ res: Response; body: Buffer }> {
  const res = await fetch(`${server.url}${path}`, init);
  return { res, body: Buffer.from(await res.arrayBuffer()) };
}

/** Width and height read from the file itself, by decoding it in its own format. */
function decodedSize(ext: string, body: Buffer): [number, number] {
  switch (ext) {
    case 'jpg': {
      const img = jpeg.decode(body, { useTArray: true });
      return [img.width, img.height];
    }
    case 'png': {
      expect(body.subarray(0, 8)).toEqual(PNG_SIGNATURE);
      expect(body.toString('ascii', 12, 16)).toBe('IHDR');
      const [w, h] = [body.readUInt32BE(16), body.readUInt32BE(20)];
      // Palette PNG: one filter byte and one index per pixel on every row, once inflated.
      const idat = body.indexOf('IDAT');
      expect(inflateSync(body.subarray(idat + 4, idat + 4 + body.readUInt32BE(idat - 4))).length).toBe((w + 1) * h);
      return [w, h];
    }
    case 'gif': {
      const gif = new GifReader(body);
      const pixels = new Uint8Array(gif.width * gif.height * 4);
      gif.decodeAndBlitFrameRGBA(0, pixels);
      return [gif.width, gif.height];
    }
    case 'svg': {
      const m = /^<svg [^>]*width="(\d+)" height="(\d+)"/.exec(body.toString());
      return [Number(m?.[1]), Number(m?.[2])];
    }
    default:
      throw new Error(`no decoder for .${ext}`);
  }
}

/** The first bytes every file of that format starts with. */
const MAGIC: Record<string, { bytes: Buffer; type: string }> = {
  jpg: { bytes: Buffer.from([0xff, 0xd8, 0xff]), type: 'image/jpeg' },
  png: { bytes: PNG_SIGNATURE, type: 'image/png' },
  gif: { bytes: Buffer.from('GIF89a'), type: 'image/gif' },
  svg: { bytes: Buffer.from('<svg '), type: 'image/svg+xml' },
  wav: { bytes: Buffer.from('RIFF'), type: 'audio/wav' },
};

describe('media server', () => {
  it.each([...DEMO_IMAGE_TYPES])('serves .%s in that format at the requested size', async (ext) => {
    const { res, body } = await get(`/images/${ID}.${ext}?w=640&h=427`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe(MAGIC[ext].type);
    expect(res.headers.get('cache-control')).toContain('max-age=');
    expect(Number(res.headers.get('content-length'))).toBe(body.length);
    expect(body.subarray(0, MAGIC[ext].bytes.length)).toEqual(MAGIC[ext].bytes);
    expect(decodedSize(ext, body)).toEqual([640, 427]);
  });

  it('serves .wav as 16-bit mono PCM of exactly the requested length', async () => {
    expect(DEMO_AUDIO_TYPES).toEqual(['wav']);
    const { res, body } = await get(`/audio/${ID}.wav?d=2500`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('audio/wav');
    expect(body.toString('ascii', 0, 4)).toBe('RIFF');
    expect(body.toString('ascii', 8, 12)).toBe('WAVE');
    expect(body.readUInt16LE(20)).toBe(1); // PCM
    expect(body.readUInt16LE(22)).toBe(1); // mono
    expect(body.readUInt32LE(24)).toBe(8000);
    expect(body.readUInt16LE(34)).toBe(16);
    expect(body.readUInt32LE(40)).toBe(2500 * 8 * 2);
    expect(body.length).toBe(44 + 2500 * 8 * 2);

    const long = await get(`/audio/${ID}.wav?d=600000`);
    expect(long.body.readUInt32LE(40)).toBe(600 * 8000 * 2);
    const hifi = await get(`/audio/${ID}.wav?d=1000&sr=16000`);
    expect(hifi.body.readUInt32LE(24)).toBe(16_000);
    expect(decodeWav(hifi.body).length).toBe(16_000);
  });

  it('plays Photon: /photon/<host>/<path>?w=&q= is <path>?<q> resized to width w, never enlarged', async () => {
    const host = new URL(server.url).host;
    const { res, body } = await get(`/photon/${host}/images/${ID}.jpg?w=600&quality=80&q=${encodeURIComponent('w=3024&h=4032')}`);
    expect(res.headers.get('content-type')).toBe('image/jpeg');
    expect(decodedSize('jpg', body)).toEqual([600, 800]);
    expect(decodedSize('png', (await get(`/photon/${host}/images/${ID}.png?w=600&q=${encodeURIComponent('w=300&h=200')}`)).body)).toEqual([
      300, 200,
    ]);
    expect((await get(`/photon/${host}/dead/images/${ID}.jpg?w=600`)).res.status).toBe(404);
  });

  it('sends no file under an extension it cannot render in that format', async () => {
    for (const path of [
      `/audio/${ID}.mp3?d=2500`,
      `/audio/${ID}.ogg?d=2500`,
      `/audio/${ID}.flac`,
      `/audio/${ID}.wav?sr=44100`,
      `/images/${ID}.bmp`,
      `/images/${ID}.webp`,
    ]) {
      expect((await get(path)).res.status, path).toBe(404);
    }
  });

  it('caps large images on the long side and keeps the aspect ratio', async () => {
    const { body } = await get(`/images/${ID}.png?w=3024&h=4032`);
    expect(body.readUInt32BE(16)).toBe(900);
    expect(body.readUInt32BE(20)).toBe(MAX_IMAGE_SIDE);
  });

  it('is deterministic per id and differs between ids', async () => {
    const a = await get(`/images/${ID}.jpg?w=100&h=80`);
    const b = await get(`/images/${ID}.jpg?w=100&h=80`);
    const c = await get('/images/00000000-0000-4000-8000-000000000000.jpg?w=100&h=80');
    expect(a.body).toEqual(b.body);
    expect(a.body).not.toEqual(c.body);
  });

  it('answers HEAD with headers only', async () => {
    const { res, body } = await get(`/images/${ID}.jpg?w=64&h=64`, { method: 'HEAD' });
    expect(res.status).toBe(200);
    expect(Number(res.headers.get('content-length'))).toBeGreaterThan(0);
    expect(body.length).toBe(0);
  });

  it('404s dead links and unknown paths, 410s gone links', async () => {
    expect((await get(`/dead/images/${ID}.jpg?w=10&h=10`)).res.status).toBe(404);
    expect((await get(`/dead/audio/${ID}.wav?d=1000`, { method: 'HEAD' })).res.status).toBe(404);
    expect((await get('/nothing/here')).res.status).toBe(404);
    expect((await get(`/gone/images/${ID}.jpg`)).res.status).toBe(410);
  });

  it('holds /slow/ requests until the client gives up', async () => {
    const started = Date.now();
    await expect(fetch(`${server.url}/slow/images/${ID}.jpg`, { signal: AbortSignal.timeout(100) })).rejects.toThrow();
    expect(Date.now() - started).toBeGreaterThanOrEqual(90);
    // With slowMs = 300 the server eventually answers 504.
    expect((await get(`/slow/images/${ID}.jpg`)).res.status).toBe(504);
  });

  it('answers /status/<code>/ with that status, redirects pointing at a live path', async () => {
    for (const code of [200, 403, 404, 429, 500, 503]) {
      expect((await get(`/status/${code}/x/1.jpg`, { method: 'HEAD' })).res.status).toBe(code);
    }
    const { res } = await get('/status/301/x/1.jpg', { redirect: 'manual' });
    expect(res.status).toBe(301);
    expect(res.headers.get('location')).toBe('/status/200/redirected/x/1.jpg');
    expect((await get('/status/999/x/1.jpg')).res.status).toBe(404);
  });

  it('counts the requests and HEADs it saw for paths containing a text', async () => {
    const token = `t${Date.now()}`;
    await get(`/status/200/${token}/1.jpg`, { method: 'HEAD' });
    await get(`/status/404/${token}/2.jpg`, { method: 'HEAD' });
    await get(`/images/${ID}.png?${token}`);
    await get(`/status/200/${token}/1.jpg`);
    const { body } = await get(`/_requests?contains=${token}`);
    expect(JSON.parse(body.toString())).toEqual({ requests: 3, head: 2 });
    expect(JSON.parse((await get('/_requests')).body.toString())).toEqual({ requests: 0, head: 0 });
  });
});

describe('the demo catalog and the media server agree', () => {
  const images = () => [...demoImages(300, { mediaBaseUrl: server.url })].filter((r) => r.url.startsWith(`${server.url}/images/`));
  const tracks = () => [...demoAudio(120, { mediaBaseUrl: server.url })].filter((r) => r.url.startsWith(`${server.url}/audio/`));

  it('serves every image in the format its URL and filetype name', async () => {
    const rows = images();
    const seen = new Set<string>();
    for (const row of rows) {
      const ext = new URL(row.url).pathname.split('.').pop()!;
      expect(ext).toBe(row.filetype);
      if (seen.has(ext)) continue;
      seen.add(ext);
      const { res, body } = await get(new URL(row.url).pathname + new URL(row.url).search);
      expect(res.headers.get('content-type')).toBe(MAGIC[ext].type);
      expect(body.subarray(0, MAGIC[ext].bytes.length)).toEqual(MAGIC[ext].bytes);
    }
    expect([...seen].sort()).toEqual([...DEMO_IMAGE_TYPES].sort());
  });

  it('serves thumbnails at exactly the thumbnail size their URL names', async () => {
    const withThumb = images().filter((r) => r.thumbnail);
    const jpgs = withThumb.filter((r) => r.thumbnail!.includes('.jpg?')).slice(0, 6);
    const svg = withThumb.find((r) => r.thumbnail!.includes('.svg?'));
    expect(jpgs.length).toBeGreaterThan(0);
    for (const row of [...jpgs, ...(svg ? [svg] : [])]) {
      const url = new URL(row.thumbnail!);
      const want = [Number(url.searchParams.get('w')), Number(url.searchParams.get('h'))];
      expect(Math.max(...want)).toBeLessThanOrEqual(THUMBNAIL_MAX_SIDE);
      const { body } = await get(url.pathname + url.search);
      expect(decodedSize(url.pathname.split('.').pop()!, body), row.thumbnail!).toEqual(want);
    }
  });

  it("serves tracks whose format, size, rate and length are the catalog row's", async () => {
    const rows = tracks();
    const sample = [...rows].sort((a, b) => a.duration! - b.duration!).filter((_, i, all) => i % Math.floor(all.length / 6) === 0);
    for (const row of sample) {
      expect(row.filetype).toBe('wav');
      const url = new URL(row.url);
      const { res, body } = await get(url.pathname + url.search);
      expect(res.headers.get('content-type')).toBe('audio/wav');
      expect(body.length).toBe(row.filesize);
      expect(body.readUInt32LE(24)).toBe(row.sample_rate);
      expect(body.readUInt32LE(28) * 8).toBe(row.bit_rate);
      const seconds = decodeWav(body).length / row.sample_rate!;
      expect(Math.abs(seconds * 1000 - row.duration!)).toBeLessThan(1000);
    }
    const alt = rows.find((r) => r.alt_files);
    expect(alt).toBeDefined();
    const file = alt!.alt_files![0] as { url: string; filesize: number; sample_rate: number };
    const { body } = await get(new URL(file.url).pathname + new URL(file.url).search);
    expect(body.length).toBe(file.filesize);
    expect(body.readUInt32LE(24)).toBe(file.sample_rate);
  });

  it('serves tracks whose waveforms have shape: loud and quiet passages, onsets, rests', async () => {
    for (const row of tracks()
      .filter((r) => r.duration! >= 20_000)
      .slice(0, 5)) {
      const url = new URL(row.url);
      const peaks = await waveformOf((await get(url.pathname + url.search)).body);
      const mean = peaks.reduce((a, b) => a + b, 0) / peaks.length;
      const sd = Math.sqrt(peaks.reduce((a, b) => a + (b - mean) ** 2, 0) / peaks.length);
      expect(sd, row.url).toBeGreaterThan(0.1);
      expect(peaks.filter((p) => p > 0.9).length / peaks.length, row.url).toBeLessThan(0.5);
    }
  });
});
