/**
 * Builds the per-request services (config, logger, search engine client, lazy database)
 * and closes the database connection when the request is done. Module scope holds no
 * I/O objects: Neon connections must open and close within one request.
 */
import { createMiddleware } from 'hono/factory';
import { createDb } from '../db/neon-config.js';
import type { Database } from '../db/media.js';
import { checkEnv, type Config } from '../env.js';
import { createEngine } from '../search/engine.js';
import type { AppEnv } from '../types.js';
import { createLogger, loggablePath } from './logger.js';

// The checked config is a pure function of the bindings, so it is computed once per
// bindings object (per isolate in production) rather than per request.
const checked = new WeakMap<object, Config>();

function configOf(bindings: object): Config {
  let config = checked.get(bindings);
  if (!config) {
    config = checkEnv(bindings);
    checked.set(bindings, config);
  }
  return config;
}

function newRequestId(): string {
  return crypto.randomUUID().replace(/-/g, '');
}

export const services = createMiddleware<AppEnv>(async (c, next) => {
  const requestId = newRequestId();
  c.set('requestId', requestId);
  c.header('X-Request-Id', requestId);
  const config = configOf(c.env ?? {});
  const log = createLogger({ request_id: requestId }, config.LOG_LEVEL);
  c.set('log', log);
  c.set('config', config);
  let opened: ReturnType<typeof createDb> | undefined;
  const db = () => {
    opened ??= createDb(config.DATABASE_URL, {
      wsProxy: config.NEON_WS_PROXY,
      max: 1,
      connectionTimeoutMillis: 5000,
      onError: (err) => log.warn('database connection error', { error: err.message }),
    });
    return opened.db as unknown as Database;
  };
  c.set('db', db);
  const engine = createEngine(config, { kv: c.env?.SEARCH_CACHE, db, waitUntil: (p) => waitUntil(c, p) });
  c.set('engine', engine);
  const started = Date.now();
  try {
    await next();
  } finally {
    if (opened) {
      const closing = opened.close();
      try {
        c.executionCtx.waitUntil(closing);
      } catch {
        await closing;
      }
    }
    // A network answer without some shards: said in a header, never cached anywhere.
    const missing = engine.missing?.size ? [...engine.missing].sort() : undefined;
    if (missing) {
      c.res.headers.set('X-Search-Missing-Shards', missing.join(','));
      c.res.headers.set('Cache-Control', 'no-store');
    }
    log.info('request', {
      method: c.req.method,
      path: loggablePath(new URL(c.req.url).pathname),
      status: c.res.status,
      duration_ms: Date.now() - started,
      ...(missing ? { missing_shards: missing } : {}),
    });
  }
});

/** `executionCtx.waitUntil` where there is one (tests may call the app without it). */
function waitUntil(c: { executionCtx: { waitUntil(p: Promise<unknown>): void } }, p: Promise<unknown>): void {
  try {
    c.executionCtx.waitUntil(p);
  } catch {
    void p;
  }
}
