/**
 * Builds the per-request services (config, logger, search engine client, lazy database)
 * and closes the database connection when the request is done. Module scope holds no
 * I/O objects: Neon connections must open and close within one request.
 */
import { createMiddleware } from 'hono/factory';
import { createDb } from '../db/neon-config.js';
import type { Database } from '../db/media.js';
import { checkEnv, type Config } from '../env.js';
import { createMeiliClient } from '../search/meili.js';
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
  c.set('engine', createMeiliClient({ url: config.MEILI_URL, apiKey: config.MEILI_SEARCH_KEY, timeoutMs: config.MEILI_TIMEOUT_MS }));
  let opened: ReturnType<typeof createDb> | undefined;
  c.set('db', () => {
    opened ??= createDb(config.DATABASE_URL, {
      wsProxy: config.NEON_WS_PROXY,
      max: 1,
      connectionTimeoutMillis: 5000,
      onError: (err) => log.warn('database connection error', { error: err.message }),
    });
    return opened.db as unknown as Database;
  });
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
    log.info('request', {
      method: c.req.method,
      path: loggablePath(new URL(c.req.url).pathname),
      status: c.res.status,
      duration_ms: Date.now() - started,
    });
  }
});
