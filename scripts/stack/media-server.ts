/**
 * Stand-in for the providers' media hosts in the local stack. The demo catalog's URLs
 * point here and carry the size / duration in the query string, so every response is
 * generated from the URL alone (no database, no files):
 *
 *   GET|HEAD /images/<id>.<ext>?w=&h=  that picture, in the format .jpg/.jpeg, .png, .gif or
 *                                      .svg names (long side capped at MAX_IMAGE_SIDE)
 *   GET|HEAD /audio/<id>.wav?d=<ms>    a WAV track exactly that long (8 kHz mono; &sr=16000
 *                                      for the higher rate), up to MAX_DEMO_AUDIO_MS
 *   another extension                  404: the server sends no file its URL misnames
 *   /dead/...                          404 (dead links)
 *   /gone/...                          410
 *   /slow/...                          no answer for 30 s, then 504 (timeout tests)
 *   /status/<code>/...                 that status (200-599); a 3xx carries a Location to
 *                                      /status/200/redirected/... (link-check tests)
 *   /photon/<host>/<path>?w=&q=<query> <path>?<query> resized to width w, as the Photon
 *                                      resizer would (the Worker's thumbnails locally)
 *   /healthz                           200 "ok" (readiness probe)
 *   /_requests?contains=<text>         {"requests": n, "head": n}: how many requests (and
 *                                      HEADs) this server saw for paths containing <text>
 *   anything else                      404
 *
 * ingest/demo/media.ts holds what the demo catalog's URLs and this server agree on; the
 * files are rendered by media-render/.
 *
 * Standalone: `npx tsx scripts/stack/media-server.ts --port 8790 [--host 0.0.0.0]`.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { DEMO_AUDIO_SAMPLE_RATE, DEMO_AUDIO_SAMPLE_RATES, fitWithin, MAX_DEMO_AUDIO_MS } from '../../ingest/demo/media.js';
import { renderWav } from './media-render/audio.js';
import { fnv1a } from '../../model/hash.js';
import { IMAGE_TYPES, renderImage } from './media-render/image.js';

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

/**
 * Generated images are capped on the long side so large nominal sizes stay cheap (the
 * catalog's width and height are the provider's; a JPEG of 5472 × 3648 would take seconds
 * to encode). Thumbnails are under the cap: they are served at exactly their size.
 */
export const MAX_IMAGE_SIDE = 1200;

const DEFAULT_WIDTH = 640;
const DEFAULT_HEIGHT = 480;
const DEFAULT_AUDIO_MS = 3000;
const DEFAULT_AUDIO_RATE = DEMO_AUDIO_SAMPLE_RATE;
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
  const requested = new URL(req.url ?? '/', 'http://media.local');
  if (requested.pathname === '/_requests') {
    const counts = state.tally.count(requested.searchParams.get('contains') ?? '');
    send(res, req, 200, 'application/json', Buffer.from(JSON.stringify(counts)));
    return;
  }
  state.tally.add(requested.pathname, req.method === 'HEAD');
  const { url, width: resizeWidth } = photonSource(requested);
  const path = url.pathname;

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
  if (m && Object.hasOwn(IMAGE_TYPES, m[2].toLowerCase())) {
    const id = m[1];
    const ext = m[2].toLowerCase();
    const [w, h] = resized(imageSize(url.searchParams), resizeWidth);
    const key = `i:${id}:${ext}:${w}x${h}`;
    const out = state.cache.get(key) ?? state.cache.set(key, generated(key, renderImage(id, ext, w, h)));
    sendGenerated(req, res, out);
    return;
  }
  m = /^\/audio\/([^/]+)\.wav$/i.exec(path);
  const rate = audioRate(url.searchParams);
  if (m && rate !== null) {
    const id = m[1];
    const ms = audioLength(url.searchParams);
    // Not cached: rendering costs a few milliseconds per minute of audio, and
    // tracks (megabytes each, fetched once by the waveform backfill) would evict the images.
    const key = `a:${id}:${ms}:${rate}`;
    sendGenerated(req, res, generated(key, { body: renderWav(id, ms, rate), type: 'audio/wav' }));
    return;
  }
  // /dead/..., extensions the server cannot render truthfully, and every unknown path.
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
  return fitWithin(positiveInt(params.get('w'), DEFAULT_WIDTH), positiveInt(params.get('h'), DEFAULT_HEIGHT), MAX_IMAGE_SIDE);
}

/**
 * `/photon/<host[:port]>/<path>?w=&quality=&q=<query>` (the Photon requests the Worker's
 * thumbnail proxy makes, §7.6) stands for this server's own `<path>?<query>` resized to
 * width `w`; `quality` and `ssl` are ignored. Other paths stand for themselves.
 */
function photonSource(requested: URL): { url: URL; width: number | null } {
  const m = /^\/photon\/[^/]+(\/.*)$/.exec(requested.pathname);
  if (!m) return { url: requested, width: null };
  const query = requested.searchParams.get('q');
  const width = positiveInt(requested.searchParams.get('w'), 0);
  return { url: new URL(`${m[1]}${query ? `?${query}` : ''}`, requested), width: width || null };
}

/** Photon's `w`: that width, the aspect ratio kept, never larger than the image. */
function resized([w, h]: [number, number], width: number | null): [number, number] {
  if (width === null || width >= w) return [w, h];
  return [width, Math.max(1, Math.round((h * width) / w))];
}

function audioLength(params: URLSearchParams): number {
  return Math.min(MAX_DEMO_AUDIO_MS, positiveInt(params.get('d'), DEFAULT_AUDIO_MS));
}

/** The requested sample rate, or null when it is not one the server renders. */
function audioRate(params: URLSearchParams): number | null {
  const rate = positiveInt(params.get('sr'), DEFAULT_AUDIO_RATE);
  return (DEMO_AUDIO_SAMPLE_RATES as readonly number[]).includes(rate) ? rate : null;
}

function generated(key: string, rendered: { body: Buffer; type: string }): Generated {
  return { ...rendered, etag: `"${fnv1a(key).toString(16)}"` };
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

/** Tiny LRU of images bounded by total body size: the same thumbnails get requested repeatedly. */
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
