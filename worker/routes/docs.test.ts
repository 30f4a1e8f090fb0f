import { describe, expect, it } from 'vitest';
import { BASE, get } from '../test-helpers.js';
import { SWAGGER_UI_FILES, SWAGGER_UI_ROOT } from './docs-assets.js';

/** `src`/`href` of every `<script>` and `<link>` in the page. */
function referencedUrls(html: string): string[] {
  const urls: string[] = [];
  for (const tag of html.match(/<(?:script|link)\b[^>]*>/gi) ?? []) {
    const attr = /\s(?:src|href)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))/i.exec(tag);
    if (attr) urls.push(attr[1] ?? attr[2] ?? attr[3]);
  }
  return urls;
}

async function page(): Promise<{ res: Response; html: string }> {
  const res = await get('/v1/');
  return { res, html: await res.text() };
}

describe('API documentation page', () => {
  it('GET /v1/ serves the HTML page, cached for five minutes', async () => {
    const { res, html } = await page();
    expect(res.status, html.slice(0, 300)).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(res.headers.get('cache-control')).toBe('public, max-age=300');
    expect(html).toMatch(/^<!DOCTYPE html>/i);
    expect(html).toContain('<title>Edgeverse API</title>');
    expect(html).toContain('id="swagger-ui"');
  });

  it('references only same-origin assets (no CDN), and its CSP allows nothing else', async () => {
    const { res, html } = await page();
    const urls = referencedUrls(html);
    // the stylesheet, the Swagger UI bundle and the start script, plus the empty data: icon
    expect(urls.filter((u) => u.startsWith('/v1/docs/'))).toHaveLength(3);
    for (const url of urls) {
      const resolved = new URL(url, `${BASE}/v1/`);
      if (resolved.protocol === 'data:') continue;
      expect(resolved.origin, url).toBe(BASE);
      expect(url, 'no protocol-relative or absolute URLs').not.toMatch(/^(?:[a-z]+:)?\/\//i);
    }
    expect(html).not.toMatch(/<(?:script|link)\b[^>]*(?:src|href)\s*=\s*["']?(?:https?:)?\/\//i);
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("connect-src 'self'");
    expect(csp).not.toMatch(/https?:/);
  });

  it('loads Swagger UI from the static assets folder, by version, and its start script from the Worker', async () => {
    const { html } = await page();
    const local = referencedUrls(html).filter((u) => u.startsWith('/'));
    // Swagger UI's files are static assets (served before the Worker; scripts/build-assets.ts
    // writes exactly SWAGGER_UI_FILES there, and test/browser/ fetches them from wrangler dev).
    const vendor = local.filter((u) => u.startsWith(SWAGGER_UI_ROOT));
    expect(SWAGGER_UI_ROOT).toMatch(/^\/v1\/docs\/swagger-ui-\d+\.\d+\.\d+\/$/);
    expect(vendor.map((u) => u.slice(SWAGGER_UI_ROOT.length)).sort()).toEqual(['swagger-ui-bundle.js', 'swagger-ui.css']);
    for (const url of vendor) expect(SWAGGER_UI_FILES, url).toContain(url.slice(SWAGGER_UI_ROOT.length));
    // ... so they are not in the Worker's bundle: a request that reaches it is not answered with a file.
    for (const url of vendor) expect((await get(url)).status, url).not.toBe(200);

    const init = local.filter((u) => !u.startsWith(SWAGGER_UI_ROOT));
    expect(init).toHaveLength(1);
    expect(init[0]).toMatch(/^\/v1\/docs\/init-[0-9a-f]{8}\.js$/);
    const res = await get(init[0]);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(res.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it("the start script loads this origin's OpenAPI document with the full API", async () => {
    const { html } = await page();
    const init = referencedUrls(html).find((u) => /\/init-[0-9a-f]{8}\.js$/.test(u));
    expect(init, html).toBeTruthy();
    const script = await (await get(init!)).text();
    expect(script).toContain('"/v1/openapi.json"');
    expect(script).toContain('validatorUrl: null'); // no badge fetched from swagger.io
    expect(script).not.toMatch(/https?:\/\//);
  });

  it('keeps the docs routes out of the OpenAPI document', async () => {
    const res = await get('/v1/openapi.json');
    const doc = (await res.json()) as { paths: Record<string, unknown> };
    expect(Object.keys(doc.paths).filter((p) => p === '/' || p === '/v1/' || p.startsWith('/v1/docs'))).toEqual([]);
  });

  it('GET /v1 redirects to /v1/', async () => {
    const res = await get('/v1');
    expect([301, 302, 308]).toContain(res.status);
    expect(new URL(res.headers.get('location')!, BASE).pathname).toBe('/v1/');
  });
});
