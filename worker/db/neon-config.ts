/**
 * Neon serverless driver configuration and a per-request drizzle factory.
 *
 * Production: the Worker talks to Neon over secure WebSockets with the driver's
 * defaults. Local/tests: the same code path goes through `scripts/stack/neon-bridge.ts`
 * (WebSocket → TCP) to a plain Postgres or PGlite; pass its address as `wsProxy`.
 *
 * Configuration is applied per Client (each pooled connection's socket), never to
 * the global `neonConfig`, so module scope stays clean and production pools in the
 * same isolate are unaffected.
 *
 * In Workers, WebSocket connections cannot outlive the request that opened them:
 * call `createDb` inside the request and `close()` before/at its end (e.g.
 * `ctx.waitUntil(close())`).
 */
import { Client, Pool, neonConfig, type NeonConfig } from '@neondatabase/serverless';
import { drizzle, type NeonDatabase } from 'drizzle-orm/neon-serverless';
import type { Logger } from 'drizzle-orm/logger';

export interface NeonLocalOptions {
  /**
   * Address of a WebSocket→TCP bridge, e.g. `localhost:5488`, `ws://127.0.0.1:5488`
   * or `wss://proxy.example/v1`. Empty/undefined keeps Neon's production defaults.
   */
  wsProxy?: string;
  /** WebSocket implementation for runtimes without a global `WebSocket` (e.g. `ws` on old Node). */
  webSocketConstructor?: NeonConfig['webSocketConstructor'];
}

/** The subset of neon settings this module touches; both `neonConfig` (static) and a Client's `neonConfig` fit. */
export interface NeonConfigTarget {
  wsProxy: NeonConfig['wsProxy'];
  useSecureWebSocket: boolean;
  pipelineConnect: NeonConfig['pipelineConnect'];
  pipelineTLS: boolean;
  webSocketConstructor: NeonConfig['webSocketConstructor'];
}

/**
 * The neon settings needed for `opts`. With no `wsProxy` this is `{}` (plus
 * `webSocketConstructor` if given), i.e. production defaults.
 *
 * With a proxy: insecure WebSocket (unless `wss://` is given), no connection
 * pipelining (it pre-sends a cleartext password, which trust/SCRAM servers and
 * PGlite reject or misread) and no TLS pipelining (Neon-only).
 */
export function neonOverrides(opts: NeonLocalOptions = {}): Partial<NeonConfigTarget> {
  const out: Partial<NeonConfigTarget> = {};
  if (opts.webSocketConstructor) out.webSocketConstructor = opts.webSocketConstructor;
  const raw = opts.wsProxy?.trim();
  if (!raw) return out;
  const secure = /^wss:\/\//i.test(raw);
  const base = raw.replace(/^wss?:\/\//i, '').replace(/\/+$/, '');
  // Mirror Neon's wsproxy URL shape (`/v2?address=host:port`); neon-bridge ignores the address.
  const prefix = base.includes('/') ? base : `${base}/v2`;
  out.wsProxy = (host: string, port: number | string) => `${prefix}?address=${host}:${port}`;
  out.useSecureWebSocket = secure;
  out.pipelineConnect = false;
  out.pipelineTLS = false;
  return out;
}

/**
 * Applies `neonOverrides(opts)` to a config target and returns it. Defaults to the
 * driver's global `neonConfig` (for scripts that want that); `createDb` does not
 * use this global path — it configures each Client instead.
 */
export function configureNeon<T extends Partial<NeonConfigTarget>>(opts: NeonLocalOptions = {}, target: T = neonConfig as unknown as T): T {
  Object.assign(target, neonOverrides(opts));
  return target;
}

export interface CreateDbOptions<TSchema extends Record<string, unknown>> extends NeonLocalOptions {
  schema?: TSchema;
  logger?: boolean | Logger;
  /** Max connections of this per-request pool (default 4). */
  max?: number;
  /** Fail a connect attempt after this long instead of hanging the request (default 10 000 ms). */
  connectionTimeoutMillis?: number;
  /**
   * Fail a query that gets no answer within this long (default 5 000 ms): a hung server
   * must not hold the request open. Enforced by the client, so it works when the server
   * cannot act on a `statement_timeout`.
   */
  queryTimeoutMillis?: number;
  /** Called for errors emitted by idle pooled clients (default: console.error). */
  onError?: (err: Error) => void;
}

export interface Db<TSchema extends Record<string, unknown>> {
  db: NeonDatabase<TSchema> & { $client: Pool };
  pool: Pool;
  /** Ends the pool (closes every WebSocket). Idempotent. */
  close(): Promise<void>;
}

/**
 * A drizzle database over a fresh neon `Pool`. Create one per request and close it
 * in the same request.
 */
export function createDb<TSchema extends Record<string, unknown> = Record<string, never>>(
  databaseUrl: string,
  opts: CreateDbOptions<TSchema> = {},
): Db<TSchema> {
  if (!databaseUrl) throw new Error('createDb: databaseUrl is empty');
  const overrides = neonOverrides(opts);
  const pool = new Pool({
    connectionString: databaseUrl,
    max: opts.max ?? 4,
    connectionTimeoutMillis: opts.connectionTimeoutMillis ?? 10_000,
    query_timeout: opts.queryTimeoutMillis ?? 5_000,
  });
  if (Object.keys(overrides).length > 0) {
    // NeonPool sets its `Client` as a class field after pg-pool's constructor, so a
    // `Client` constructor option would be overwritten; assign the subclass afterwards.
    // pg-pool creates every connection with `new this.Client(options)`.
    pool.Client = class ConfiguredNeonClient extends Client {
      constructor(config?: ConstructorParameters<typeof Client>[0]) {
        super(config);
        // `neonConfig` here is this client's socket; its setters shadow the global defaults.
        Object.assign(this.neonConfig, overrides);
      }
    };
  }
  // An 'error' event with no listener (e.g. an idle client's WebSocket dropping) would throw and crash the isolate.
  const onError = opts.onError ?? ((err: Error) => console.error('[db] pool error:', err.message));
  pool.on('error', onError);

  const db = drizzle({ client: pool, schema: opts.schema, logger: opts.logger });
  let closing: Promise<void> | undefined;
  return {
    db,
    pool,
    close() {
      closing ??= pool.end().catch((err: unknown) => {
        onError(err instanceof Error ? err : new Error(String(err)));
      });
      return closing;
    },
  };
}
