/**
 * The Worker's app (worker/app.ts) served by Node instead of workerd, for the search
 * benchmark's "Worker code on Node" phase: same routes, middleware, validation, cache
 * code and serialization, talking to the same Meilisearch — without wrangler dev's
 * proxy, workerd, the rate-limiter Durable Object (no RATE_LIMITER binding: skipped) and
 * local KV (an in-memory KV stand-in: lookups miss as in the uncached phase).
 *
 *   node --import tsx --import ./bench/search/text-hooks.mjs bench/search/app-server.ts
 *   (env: MEILI_URL, MEILI_SEARCH_KEY, DATABASE_URL; prints "listening <port>" on stderr)
 */
import http from 'node:http';
import { Readable } from 'node:stream';
import { serve } from '@hono/node-server';
import { createApp } from '../../worker/app.js';

/**
 * Outbound fetch over node:http with a keep-alive agent. Node's built-in fetch (undici)
 * answers in ~45 ms instead of ~3 ms on a reused connection to Meilisearch (measured
 * here; not the Worker's doing, and workerd's fetch does not show it), which would
 * swamp what this server is for: the cost of the Worker's own code.
 */
const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
const nativeFetch = globalThis.fetch;
globalThis.fetch = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
  const req = new Request(input, init);
  const url = new URL(req.url);
  if (url.protocol !== 'http:') return nativeFetch(input, init);
  const body = req.body ? Buffer.from(await req.arrayBuffer()) : undefined;
  const headers: Record<string, string> = {};
  req.headers.forEach((v, k) => {
    headers[k] = v;
  });
  if (body) headers['content-length'] = String(body.length);
  return new Promise<Response>((resolve, reject) => {
    const out = http.request(url, { method: req.method, headers, agent, signal: init?.signal ?? undefined }, (res) => {
      const h = new Headers();
      for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) h.set(k, Array.isArray(v) ? v.join(', ') : v);
      resolve(new Response(Readable.toWeb(res) as ReadableStream, { status: res.statusCode ?? 500, headers: h }));
    });
    out.on('error', reject);
    out.end(body);
  });
};

class MemoryKv {
  private readonly map = new Map<string, { value: string; metadata: unknown }>();
  async get(key: string): Promise<string | null> {
    return this.map.get(key)?.value ?? null;
  }
  async getWithMetadata(key: string): Promise<{ value: string | null; metadata: unknown }> {
    const e = this.map.get(key);
    return { value: e?.value ?? null, metadata: e?.metadata ?? null };
  }
  async put(key: string, value: string, opts?: { metadata?: unknown }): Promise<void> {
    this.map.set(key, { value, metadata: opts?.metadata ?? null });
  }
}

const env = {
  MEILI_URL: process.env.MEILI_URL,
  MEILI_SEARCH_KEY: process.env.MEILI_SEARCH_KEY,
  DATABASE_URL: process.env.DATABASE_URL ?? 'postgres://unused@127.0.0.1:9/none',
  ENVIRONMENT: 'local',
  // As the Worker runs locally (npm start): a log line per request would cost more than
  // some of what this server measures.
  LOG_LEVEL: 'warn',
  SEARCH_CACHE: new MemoryKv(),
};
const ctx = { waitUntil: (p: Promise<unknown>) => void p.catch(() => {}), passThroughOnException() {}, props: {} };
const app = createApp();
const server = serve(
  { fetch: (req: Request) => app.fetch(req, env, ctx as unknown as ExecutionContext), port: 0, hostname: '127.0.0.1' },
  (info) => {
    process.stderr.write(`listening ${info.port}\n`);
  },
);
process.on('SIGTERM', () => server.close(() => process.exit(0)));
