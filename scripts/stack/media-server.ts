/**
 * Stand-in for the providers' media hosts in the local stack. The demo catalog's URLs
 * point here and carry the size / duration in the query string, so every response is
 * generated from the URL alone (no database, no files):
 *
 *   GET|HEAD /images/<id>.<ext>?w=&h=  PNG gradient of that aspect ratio (SVG for .svg)
 *   GET|HEAD /audio/<id>.<ext>?d=<ms>  WAV of sine tones, at most 10 s long
 *   /dead/...                          404 (dead links)
 *   /gone/...                          410
 *   /slow/...                          no answer for 30 s, then 504 (timeout tests)
 *   /status/<code>/...                 that status (200-599); a 3xx carries a Location to
 *                                      /status/200/redirected/... (link-check tests)
 *   /healthz                           200 "ok" (readiness probe)
 *   /_requests?contains=<text>         {"requests": n, "head": n}: how many requests (and
 *                                      HEADs) this server saw for paths containing <text>
 *   anything else                      404
 *
 * Standalone: `npx tsx scripts/stack/media-server.ts --port 8790 [--host 0.0.0.0]`.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { deflateSync } from 'node:zlib';

export interface MediaServerOptions {
  port: number;
  host?: string;
  /** How long /slow/ requests hang before a 504 (default 30 000 ms). */
  slowMs?: number;
}

export interface MediaServer {
  url: string;
  close(): Promise<void>;
}

/** Generated images are capped on the long side so large nominal sizes stay cheap. */
export const MAX_IMAGE_SIDE = 1200;
/** Generated audio is capped whatever the nominal duration. */
export const MAX_AUDIO_MS = 10_000;
export const AUDIO_SAMPLE_RATE = 8000;

const DEFAULT_WIDTH = 640;
const DEFAULT_HEIGHT = 480;
const DEFAULT_AUDIO_MS = 3000;
const CACHE_CONTROL = 'public, max-age=31536000, immutable';
const CACHE_MAX_BYTES = 64 * 1024 * 1024;

export async function startMediaServer(opts: MediaServerOptions): Promise<MediaServer> {
  const host = opts.host ?? '127.0.0.1';
  const slowMs = opts.slowMs ?? 30_000;
  const cache = new ByteLru(CACHE_MAX_BYTES);
  const slowTimers = new Set<NodeJS.Timeout>();
  const tally = new RequestTally(TALLY_MAX_PATHS);

  const server = createServer((req, res) => {
    try {
      handle(req, res, { cache, slowMs, slowTimers, tally });
    } catch (err) {
      if (!res.headersSent) send(res, req, 500, 'text/plain; charset=utf-8', Buffer.from(`error: ${String(err)}\n`));
      else res.destroy();
    }
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  // A wildcard bind is reachable on loopback; the URL must be something a client can dial.
  const urlHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;

  return {
    url: `http://${urlHost}:${port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        for (const t of slowTimers) clearTimeout(t);
        slowTimers.clear();
        server.close((err) => (err ? reject(err) : resolve()));
        // Keep-alive and hanging /slow/ sockets would otherwise hold close() open.
        server.closeAllConnections();
      }),
  };
}

interface HandlerState {
  cache: ByteLru;
  slowMs: number;
  slowTimers: Set<NodeJS.Timeout>;
  tally: RequestTally;
}

interface Generated {
  body: Buffer;
  type: string;
  etag: string;
}

function handle(req: IncomingMessage, res: ServerResponse, state: HandlerState): void {
  const url = new URL(req.url ?? '/', 'http://media.local');
  const path = url.pathname;

  if (path === '/_requests') {
    const counts = state.tally.count(url.searchParams.get('contains') ?? '');
    send(res, req, 200, 'application/json', Buffer.from(JSON.stringify(counts)));
    return;
  }
  state.tally.add(path, req.method === 'HEAD');

  if (path.startsWith('/slow/')) {
    // Hold the request open; a client's timeout should fire first.
    const timer = setTimeout(() => {
      state.slowTimers.delete(timer);
      send(res, req, 504, 'text/plain; charset=utf-8', Buffer.from('slow\n'));
    }, state.slowMs);
    state.slowTimers.add(timer);
    res.on('close', () => {
      clearTimeout(timer);
      state.slowTimers.delete(timer);
    });
    return;
  }
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.setHeader('Allow', 'GET, HEAD');
    send(res, req, 405, 'text/plain; charset=utf-8', Buffer.from('method not allowed\n'));
    return;
  }
  if (path === '/healthz') {
    send(res, req, 200, 'text/plain; charset=utf-8', Buffer.from('ok\n'));
    return;
  }
  const status = /^\/status\/(\d{3})\/(.*)$/.exec(path);
  if (status && Number(status[1]) >= 200 && Number(status[1]) <= 599) {
    const code = Number(status[1]);
    // A redirect points somewhere live, so a client that follows it would see a 200.
    if (code >= 300 && code < 400) res.setHeader('Location', `/status/200/redirected/${status[2]}`);
    send(res, req, code, 'text/plain; charset=utf-8', Buffer.from(`${code}\n`));
    return;
  }
  if (path.startsWith('/gone/')) {
    send(res, req, 410, 'text/plain; charset=utf-8', Buffer.from('gone\n'));
    return;
  }

  let m = /^\/images\/([^/]+)\.([A-Za-z0-9]+)$/.exec(path);
  if (m) {
    const [, id, ext] = m;
    const [w, h] = imageSize(url.searchParams);
    const key = `i:${id}:${ext.toLowerCase()}:${w}x${h}`;
    const out = state.cache.get(key) ?? state.cache.set(key, renderImage(id, ext, w, h));
    sendGenerated(req, res, out);
    return;
  }
  m = /^\/audio\/([^/]+)\.([A-Za-z0-9]+)$/.exec(path);
  if (m) {
    const [, id] = m;
    const ms = audioLength(url.searchParams);
    const key = `a:${id}:${ms}`;
    const out = state.cache.get(key) ?? state.cache.set(key, renderAudio(id, ms));
    sendGenerated(req, res, out);
    return;
  }
  // /dead/... and every unknown path.
  send(res, req, 404, 'text/plain; charset=utf-8', Buffer.from('not found\n'));
}

function sendGenerated(req: IncomingMessage, res: ServerResponse, out: Generated): void {
  res.setHeader('Cache-Control', CACHE_CONTROL);
  res.setHeader('ETag', out.etag);
  if (req.headers['if-none-match'] === out.etag) {
    res.statusCode = 304;
    res.end();
    return;
  }
  send(res, req, 200, out.type, out.body);
}

function send(res: ServerResponse, req: IncomingMessage, status: number, type: string, body: Buffer): void {
  res.statusCode = status;
  res.setHeader('Content-Type', type);
  res.setHeader('Content-Length', body.length);
  res.setHeader('Access-Control-Allow-Origin', '*');
  res.end(req.method === 'HEAD' ? undefined : body);
}

function positiveInt(value: string | null, fallback: number): number {
  if (value === null) return fallback;
  const n = Number.parseInt(value, 10);
  return Number.isFinite(n) && n > 0 ? n : fallback;
}

/** Requested size scaled down (aspect ratio kept) so the long side is <= MAX_IMAGE_SIDE. */
export function imageSize(params: URLSearchParams): [number, number] {
  const w = positiveInt(params.get('w'), DEFAULT_WIDTH);
  const h = positiveInt(params.get('h'), DEFAULT_HEIGHT);
  const scale = Math.min(1, MAX_IMAGE_SIDE / Math.max(w, h));
  return [Math.max(1, Math.round(w * scale)), Math.max(1, Math.round(h * scale))];
}

function audioLength(params: URLSearchParams): number {
  return Math.min(MAX_AUDIO_MS, positiveInt(params.get('d'), DEFAULT_AUDIO_MS));
}

// ---------------------------------------------------------------------------------------
// Deterministic colours / notes from the identifier.

function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

function hsl(h: number, s: number, l: number): [number, number, number] {
  const k = (n: number): number => (n + h / 30) % 12;
  const a = s * Math.min(l, 1 - l);
  const f = (n: number): number => l - a * Math.max(-1, Math.min(k(n) - 3, Math.min(9 - k(n), 1)));
  return [Math.round(f(0) * 255), Math.round(f(8) * 255), Math.round(f(4) * 255)];
}

function palette(id: string): [[number, number, number], [number, number, number]] {
  const h = fnv1a(id);
  const hue = h % 360;
  return [hsl(hue, 0.65, 0.55), hsl((hue + 60 + ((h >>> 9) % 120)) % 360, 0.7, 0.35)];
}

// ---------------------------------------------------------------------------------------
// PNG

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

function crc32(buf: Buffer): number {
  let c = 0xffffffff;
  for (let i = 0; i < buf.length; i++) c = CRC_TABLE[(c ^ buf[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function pngChunk(type: string, data: Buffer): Buffer {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, 'ascii');
  data.copy(out, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}

/** RGB PNG with a diagonal two-colour gradient and a soft centre disc. */
export function renderPng(id: string, width: number, height: number): Buffer {
  const [a, b] = palette(id);
  const stride = width * 3 + 1;
  const raw = Buffer.alloc(stride * height);
  const cx = width / 2;
  const cy = height / 2;
  const r2 = (Math.min(width, height) * 0.3) ** 2;
  const span = width + height - 2 || 1;
  for (let y = 0; y < height; y++) {
    const row = y * stride;
    // Filter type 1 (Sub): neighbouring pixels differ by tiny amounts, so the filtered
    // bytes are nearly constant and deflate to almost nothing.
    raw[row] = 1;
    let pr = 0;
    let pg = 0;
    let pb = 0;
    for (let x = 0; x < width; x++) {
      const t = (x + y) / span;
      let r = a[0] + (b[0] - a[0]) * t;
      let g = a[1] + (b[1] - a[1]) * t;
      let bl = a[2] + (b[2] - a[2]) * t;
      const dx = x - cx;
      const dy = y - cy;
      if (dx * dx + dy * dy < r2) {
        r = 255 - r * 0.5;
        g = 255 - g * 0.5;
        bl = 255 - bl * 0.5;
      }
      const ri = r | 0;
      const gi = g | 0;
      const bi = bl | 0;
      const o = row + 1 + x * 3;
      raw[o] = (ri - pr) & 0xff;
      raw[o + 1] = (gi - pg) & 0xff;
      raw[o + 2] = (bi - pb) & 0xff;
      pr = ri;
      pg = gi;
      pb = bi;
    }
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // colour type: truecolour
  ihdr[10] = 0; // compression
  ihdr[11] = 0; // filter method
  ihdr[12] = 0; // no interlace
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', ihdr),
    pngChunk('IDAT', deflateSync(raw, { level: 6 })),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}

function renderSvg(id: string, width: number, height: number): Buffer {
  const [a, b] = palette(id);
  const rgb = (c: [number, number, number]): string => `rgb(${c[0]},${c[1]},${c[2]})`;
  const r = Math.round(Math.min(width, height) * 0.3);
  return Buffer.from(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">` +
      `<defs><linearGradient id="g" x1="0" y1="0" x2="1" y2="1"><stop offset="0" stop-color="${rgb(a)}"/>` +
      `<stop offset="1" stop-color="${rgb(b)}"/></linearGradient></defs>` +
      `<rect width="100%" height="100%" fill="url(#g)"/>` +
      `<circle cx="${width / 2}" cy="${height / 2}" r="${r}" fill="#fff" fill-opacity="0.5"/></svg>`,
  );
}

function renderImage(id: string, ext: string, width: number, height: number): Generated {
  // jpg/gif/png all get PNG bytes: clients sniff or trust Content-Type, not the extension.
  const svg = ext.toLowerCase() === 'svg';
  const body = svg ? renderSvg(id, width, height) : renderPng(id, width, height);
  return { body, type: svg ? 'image/svg+xml' : 'image/png', etag: `"${fnv1a(`${id}:${ext}:${width}x${height}`).toString(16)}"` };
}

// ---------------------------------------------------------------------------------------
// WAV

/** Pentatonic note frequencies (Hz), C4..A5. */
const NOTES = [261.63, 293.66, 329.63, 392.0, 440.0, 523.25, 587.33, 659.25, 783.99, 880.0];
const NOTE_MS = 250;

/** 16-bit mono PCM WAV: a sequence of 250 ms sine notes chosen from the id. */
export function renderWav(id: string, ms: number): Buffer {
  const samples = Math.round((AUDIO_SAMPLE_RATE * ms) / 1000);
  const out = Buffer.alloc(44 + samples * 2);
  out.write('RIFF', 0, 'ascii');
  out.writeUInt32LE(36 + samples * 2, 4);
  out.write('WAVE', 8, 'ascii');
  out.write('fmt ', 12, 'ascii');
  out.writeUInt32LE(16, 16); // fmt chunk size
  out.writeUInt16LE(1, 20); // PCM
  out.writeUInt16LE(1, 22); // mono
  out.writeUInt32LE(AUDIO_SAMPLE_RATE, 24);
  out.writeUInt32LE(AUDIO_SAMPLE_RATE * 2, 28); // byte rate
  out.writeUInt16LE(2, 32); // block align
  out.writeUInt16LE(16, 34); // bits per sample
  out.write('data', 36, 'ascii');
  out.writeUInt32LE(samples * 2, 40);

  let h = fnv1a(id);
  const perNote = (AUDIO_SAMPLE_RATE * NOTE_MS) / 1000;
  const fade = AUDIO_SAMPLE_RATE / 100; // 10 ms ramps avoid clicks between notes
  let freq = NOTES[h % NOTES.length];
  for (let i = 0; i < samples; i++) {
    const pos = i % perNote;
    if (pos === 0 && i > 0) {
      h = Math.imul(h ^ (h >>> 15), 0x2c1b3c6d) >>> 0; // next note from a tiny hash chain
      freq = NOTES[h % NOTES.length];
    }
    const env = Math.min(1, pos / fade, (perNote - pos) / fade);
    const v = Math.sin((2 * Math.PI * freq * i) / AUDIO_SAMPLE_RATE) * 0.3 * env;
    out.writeInt16LE(Math.round(v * 32767), 44 + i * 2);
  }
  return out;
}

function renderAudio(id: string, ms: number): Generated {
  return { body: renderWav(id, ms), type: 'audio/wav', etag: `"${fnv1a(`${id}:${ms}`).toString(16)}"` };
}

// ---------------------------------------------------------------------------------------

/** Paths whose requests are counted; the oldest path is forgotten beyond this. */
const TALLY_MAX_PATHS = 50_000;

/** Requests seen per path, so tests can count the HEAD requests a client made. */
class RequestTally {
  private readonly paths = new Map<string, { requests: number; head: number }>();

  constructor(private readonly maxPaths: number) {}

  add(path: string, head: boolean): void {
    const entry = this.paths.get(path) ?? { requests: 0, head: 0 };
    entry.requests++;
    if (head) entry.head++;
    this.paths.set(path, entry);
    if (this.paths.size > this.maxPaths) this.paths.delete(this.paths.keys().next().value!);
  }

  count(contains: string): { requests: number; head: number } {
    const total = { requests: 0, head: 0 };
    if (!contains) return total;
    for (const [path, entry] of this.paths) {
      if (!path.includes(contains)) continue;
      total.requests += entry.requests;
      total.head += entry.head;
    }
    return total;
  }
}

/** Tiny LRU bounded by total body size: the same thumbnails get requested repeatedly. */
class ByteLru {
  private readonly map = new Map<string, Generated>();
  private bytes = 0;

  constructor(private readonly maxBytes: number) {}

  get(key: string): Generated | undefined {
    const v = this.map.get(key);
    if (v) {
      this.map.delete(key);
      this.map.set(key, v);
    }
    return v;
  }

  set(key: string, value: Generated): Generated {
    if (value.body.length > this.maxBytes) return value;
    this.map.set(key, value);
    this.bytes += value.body.length;
    for (const [k, v] of this.map) {
      if (this.bytes <= this.maxBytes) break;
      this.map.delete(k);
      this.bytes -= v.body.length;
    }
    return value;
  }
}

function argValue(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  if (i >= 0) return args[i + 1];
  const eq = args.find((a) => a.startsWith(`${name}=`));
  return eq?.slice(name.length + 1);
}

function isMain(): boolean {
  const entry = process.argv[1];
  if (!entry) return false;
  try {
    return realpathSync(entry) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (isMain()) {
  const args = process.argv.slice(2);
  const port = Number(argValue(args, '--port') ?? process.env.MEDIA_PORT ?? 8790);
  const host = argValue(args, '--host') ?? process.env.MEDIA_HOST ?? '127.0.0.1';
  const server = await startMediaServer({ port, host });
  console.log(`media server listening on ${server.url}`);
  const stop = (): void => {
    server.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}
