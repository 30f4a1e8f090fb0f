/**
 * Helpers for the workerd tests: requests go to the Worker under test (`exports.default`)
 * with the bindings the global setup wired to real Meilisearch and Postgres.
 */
import { createExecutionContext, waitOnExecutionContext } from 'cloudflare:test';
import { env, exports } from 'cloudflare:workers';
import { expect, inject } from 'vitest';
import { createDb } from './db/neon-config.js';

export const BASE = 'http://edgeverse.test';

// The Worker's own default export, typed loosely: `Cloudflare.Exports` is generated per project.
const worker = (exports as unknown as { default: Fetcher }).default;

export async function get(path: string, init?: RequestInit): Promise<Response> {
  return worker.fetch(new Request(`${BASE}${path}`, { redirect: 'manual', ...init }));
}

/** Fetches and parses JSON, asserting the status with the body in the failure message. */
export async function getJson<T = any>(path: string, status = 200, init?: RequestInit): Promise<{ res: Response; body: T }> {
  const res = await get(path, init);
  const text = await res.text();
  expect(res.status, `${path} → ${res.status}: ${text.slice(0, 500)}`).toBe(status);
  expect(res.headers.get('content-type') ?? '').toContain('application/json');
  return { res, body: JSON.parse(text) as T };
}

/**
 * Calls the Worker's handler directly with extra bindings (e.g. a tight rate limit),
 * the way the runtime would call it with a different configuration.
 */
export async function fetchWith(path: string, init: RequestInit = {}, overrides: Record<string, unknown> = {}): Promise<Response> {
  const { res, after } = await fetchUnsettled(path, init, overrides);
  await after;
  return res;
}

/** Like `fetchWith`, but returns before the request's `waitUntil` work is done (`after`). */
export async function fetchUnsettled(
  path: string,
  init: RequestInit = {},
  overrides: Record<string, unknown> = {},
): Promise<{ res: Response; after: Promise<void> }> {
  const { default: handler } = await import('./index.js');
  const ctx = createExecutionContext();
  const res = await handler.fetch(new Request(`${BASE}${path}`, { redirect: 'manual', ...init }) as never, { ...env, ...overrides }, ctx);
  return { res, after: waitOnExecutionContext(ctx) };
}

/** A fresh client address per test, so each gets its own rate-limit counters. */
export function uniqueIp(): string {
  const r = crypto.getRandomValues(new Uint8Array(3));
  return `10.${r[0]}.${r[1]}.${r[2]}`;
}

/** Runs `fn` on a connection of its own to the test database (for fixtures a test adds and removes). */
export async function withDb<T>(fn: (db: ReturnType<typeof createDb>['db']) => Promise<T>): Promise<T> {
  const conn = createDb(inject('databaseUrl'), { wsProxy: inject('bridgeUrl'), max: 1 });
  try {
    return await fn(conn.db);
  } finally {
    await conn.close();
  }
}

/** A fresh API key's bearer header: registers an application and takes a token (§8). */
export async function keyHeader(): Promise<{ Authorization: string }> {
  const { body: app } = await getJson('/v1/auth_tokens/register/', 201, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'CF-Connecting-IP': uniqueIp() },
    body: JSON.stringify({ name: `key-${crypto.randomUUID()}`, description: 'test', email: 'a@b.co' }),
  });
  const { body: t } = await getJson('/v1/auth_tokens/token/', 200, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'CF-Connecting-IP': uniqueIp() },
    body: new URLSearchParams({ grant_type: 'client_credentials', client_id: app.client_id, client_secret: app.client_secret }).toString(),
  });
  return { Authorization: `Bearer ${t.access_token}` };
}

/** Variables that point the Worker at the fixture's three-shard copy (test/sharded-copy.ts). */
export function shardedEngineVars(): Record<string, string> {
  const network = inject('network');
  return {
    MEILI_URL: network.urls.join(','),
    MEILI_SEARCH_KEY: network.searchKey,
    MEILI_NETWORK: 'true',
    INDEX_PREFIX: network.indexPrefix,
  };
}
