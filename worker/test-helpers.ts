/**
 * Helpers for the workerd tests: requests go to the Worker under test (`exports.default`)
 * with the bindings the global setup wired to real Meilisearch and Postgres.
 */
import { exports } from 'cloudflare:workers';
import { expect } from 'vitest';

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
