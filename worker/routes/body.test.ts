import { describe, expect, it } from 'vitest';
import { fetchWith } from '../test-helpers.js';

/** A chunked body (no Content-Length) of `total` bytes that counts what the Worker pulled. */
function chunkedBody(total: number, chunk = 16 * 1024) {
  const state = { pulled: 0 };
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (state.pulled >= total) return controller.close();
      state.pulled += chunk;
      controller.enqueue(new Uint8Array(chunk).fill(0x61));
    },
  });
  return { stream, state };
}

describe('request bodies', () => {
  it.each([
    ['/v1/auth_tokens/register/', 'application/json'],
    ['/v1/auth_tokens/token/', 'application/x-www-form-urlencoded'],
    ['/v1/images/4bc43a04-ef46-4544-a0c1-63c63f56e276/report/', 'application/json'],
    ['/v1/audio/4bc43a04-ef46-4544-a0c1-63c63f56e276/report/', 'application/json'],
    ['/internal/cache-generation', 'application/json'],
    ['/v1/images/', 'application/json'],
  ])('%s stops reading a chunked body at the limit (413), not after reading it whole', async (path, type) => {
    const total = 4 * 1024 * 1024;
    const { stream, state } = chunkedBody(total);
    const res = await fetchWith(path, {
      method: 'POST',
      headers: { 'Content-Type': type, Authorization: 'Bearer test-ingest-secret-0123456789' },
      body: stream,
    });
    const text = await res.text();
    expect(res.status, text).toBe(413);
    expect(JSON.parse(text)).toEqual({ detail: 'Request body too large (65536 bytes at most).' });
    expect(state.pulled).toBeLessThan(256 * 1024);
  });

  it('still reads a chunked body within the limit', async () => {
    const body = new Blob([
      JSON.stringify({ name: `chunked-${crypto.randomUUID()}`, description: 'A chunked registration.', email: 'dev@example.org' }),
    ]).stream();
    const res = await fetchWith('/v1/auth_tokens/register/', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body });
    expect(res.status, await res.clone().text()).toBe(201);
  });
});
