// @vitest-environment node
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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

describe('media server', () => {
  it('renders a PNG whose IHDR matches the requested size', async () => {
    const { res, body } = await get(`/images/${ID}.jpg?w=640&h=427`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/png');
    expect(res.headers.get('cache-control')).toContain('max-age=');
    expect(body.subarray(0, 8)).toEqual(PNG_SIGNATURE);
    expect(body.toString('ascii', 12, 16)).toBe('IHDR');
    expect(body.readUInt32BE(16)).toBe(640);
    expect(body.readUInt32BE(20)).toBe(427);
    expect(Number(res.headers.get('content-length'))).toBe(body.length);
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

  it('serves SVG for .svg', async () => {
    const { res, body } = await get(`/images/${ID}.svg?w=300&h=200`);
    expect(res.headers.get('content-type')).toBe('image/svg+xml');
    expect(body.toString()).toContain('width="300" height="200"');
  });

  it('renders a WAV capped at 10 s', async () => {
    const { res, body } = await get(`/audio/${ID}.mp3?d=2500`);
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

    const long = await get(`/audio/${ID}.flac?d=600000`);
    expect(long.body.readUInt32LE(40)).toBe(10 * 8000 * 2);
  });

  it('404s dead links and unknown paths, 410s gone links', async () => {
    expect((await get(`/dead/images/${ID}.jpg?w=10&h=10`)).res.status).toBe(404);
    expect((await get(`/dead/audio/${ID}.mp3?d=1000`, { method: 'HEAD' })).res.status).toBe(404);
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
