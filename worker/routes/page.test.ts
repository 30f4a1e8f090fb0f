/**
 * The search page at `/` is a static asset (web/, built by scripts/build-assets.ts),
 * served before the Worker runs; test/browser/page.browser.test.ts checks it under
 * `wrangler dev`. Here (no assets in this pool) the Worker must leave `/` alone: no
 * redirect to the docs any more, and nothing else it would answer instead of the page.
 */
import { describe, expect, it } from 'vitest';
import { get } from '../test-helpers.js';

describe('GET / (the search page, a static asset)', () => {
  it('is not answered by the Worker: a request that reaches it gets the JSON 404', async () => {
    for (const path of ['/', '/?q=cat&media=audio']) {
      const res = await get(path);
      expect(res.status, path).toBe(404);
      expect(res.headers.get('location'), path).toBeNull();
      expect(await res.json(), path).toEqual({ detail: 'Not found.' });
    }
  });

  it('the API documentation stays at /v1/, which the page links to', async () => {
    const res = await get('/v1/');
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('id="swagger-ui"');
  });
});
