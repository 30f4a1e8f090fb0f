/**
 * The docs page as deployed: `wrangler dev` runs the Worker, with its static assets,
 * against the test services. The assets' headers are checked over HTTP; then Debian's
 * Chromium (installed by scripts/install-browser.sh) opens `/v1/`, checks that every
 * operation of the OpenAPI document is listed, and runs one image search through
 * Swagger UI's "Try it out".
 */
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WorkerProcess } from '../../scripts/stack/wrangler.js';
import { ASSET_CACHE_CONTROL, SWAGGER_UI_FILES, SWAGGER_UI_ROOT } from '../../worker/routes/docs-assets.js';
import { hasChromium, launchChromium, SKIP_REASON, SLOW, serviceVars, workerPool } from './browser-harness.js';

const SCREENSHOT = path.join(tmpdir(), 'docs-page.png');
if (!hasChromium) console.warn(`[docs browser test] skipped: ${SKIP_REASON}`);

interface OpenApiDoc {
  paths: Record<string, Record<string, { operationId?: string; tags?: string[] }>>;
}

interface SearchResult {
  id: string;
  title: string | null;
}

describe(`docs page under wrangler dev${hasChromium ? ', in Chromium' : ` (Chromium skipped: ${SKIP_REASON})`}`, () => {
  const workers = workerPool('docs');
  let worker: WorkerProcess | undefined;
  let browser: Browser | undefined;
  let page: Page | undefined;
  const consoleErrors: string[] = [];
  const offOrigin: string[] = [];

  beforeAll(async () => {
    [worker, browser] = await Promise.all([workers.start(serviceVars()), hasChromium ? launchChromium() : undefined]);
    if (!browser) return;
    const context = await browser!.newContext({ viewport: { width: 1280, height: 900 } });
    page = await context.newPage();
    page.on('console', (msg) => {
      if (msg.type() === 'error') consoleErrors.push(msg.text());
    });
    page.on('pageerror', (err) => consoleErrors.push(err.message));
    // Everything must come from the Worker: note (and refuse) any other host.
    await context.route('**/*', (route) => {
      const url = route.request().url();
      if (url.startsWith(`${worker!.url}/`) || url.startsWith('data:')) return route.continue();
      offOrigin.push(url);
      return route.abort();
    });
  });

  afterAll(async () => {
    await browser?.close().catch(() => {});
    await workers.close();
  });

  /** A word of the first result's title that finds that result on the first page. */
  async function searchableResult(): Promise<{ id: string; word: string }> {
    const get = async <T>(p: string) => {
      const res = await fetch(`${worker!.url}${p}`);
      expect(res.status, p).toBe(200);
      return (await res.json()) as T;
    };
    const first = (await get<{ results: SearchResult[] }>('/v1/images/?page_size=1')).results[0];
    expect(first, 'the fixture has images').toBeTruthy();
    const words = [...new Set((first.title ?? '').toLowerCase().match(/\p{L}{3,}/gu) ?? [])].sort((a, b) => b.length - a.length);
    for (const word of words) {
      const { results } = await get<{ results: SearchResult[] }>(`/v1/images/?q=${encodeURIComponent(word)}`);
      if (results.some((r) => r.id === first.id)) return { id: first.id, word };
    }
    throw new Error(`no word of the title ${JSON.stringify(first.title)} finds image ${first.id} on the first page`);
  }

  it("serves Swagger UI's files as static assets: cached for a year, nosniff, the page's CSP on the page", async () => {
    const page = await fetch(`${worker!.url}/v1/`);
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    const html = await page.text();
    const expected: Record<string, RegExp> = {
      'swagger-ui-bundle.js': /^text\/javascript/,
      'swagger-ui.css': /^text\/css/,
      'swagger-ui-bundle.js.LICENSE.txt': /^text\/plain/,
    };
    for (const file of SWAGGER_UI_FILES) {
      const url = `${SWAGGER_UI_ROOT}${file}`;
      if (!file.endsWith('.txt')) expect(html, url).toContain(`"${url}"`);
      const res = await fetch(`${worker!.url}${url}`);
      const body = await res.text();
      expect(res.status, url).toBe(200);
      expect(res.headers.get('content-type'), url).toMatch(expected[file]);
      expect(res.headers.get('cache-control'), url).toBe(ASSET_CACHE_CONTROL);
      expect(res.headers.get('x-content-type-options'), url).toBe('nosniff');
      expect(res.headers.get('etag'), url).toBeTruthy();
      // answered by the assets layer, not the Worker (which tags every answer with a request id)
      expect(res.headers.get('x-request-id'), url).toBeNull();
      expect(body.length, url).toBeGreaterThan(1000);
    }
    // The headers file configures the assets; it is not one of them.
    const headersFile = await fetch(`${worker!.url}/_headers`, { redirect: 'manual' });
    expect(headersFile.status).not.toBe(200);
    expect(await headersFile.text()).not.toContain('Cache-Control');
  });

  it.skipIf(!hasChromium)(
    'lists every operation and runs an image search through "Try it out"',
    async () => {
      const started = Date.now();
      const { id, word } = await searchableResult();
      const doc = (await (await fetch(`${worker!.url}/v1/openapi.json`)).json()) as OpenApiDoc;
      const operationIds = Object.values(doc.paths).flatMap((ops) => Object.values(ops).map((op) => op.operationId!));
      expect(operationIds).toContain('image_search');

      const p = page!;
      const response = await p.goto(`${worker!.url}/v1/`);
      expect(response?.status()).toBe(200);
      await expect.poll(() => p.title(), SLOW).toBe('Edgeverse API');
      await p.locator('.opblock').first().waitFor({ timeout: 30_000 });

      // Hide nothing: one block per operation in the document.
      await expect.poll(() => p.locator('.opblock').count(), SLOW).toBe(operationIds.length);
      for (const opId of operationIds) {
        expect(await p.locator(`[id$="-${opId}"].opblock`).count(), opId).toBe(1);
      }

      const search = p.locator('.opblock[id$="-image_search"]');
      await search.locator('.opblock-summary').first().click();
      await search.getByRole('button', { name: 'Try it out' }).click();
      await search.locator('tr[data-param-name="q"] input').fill(word);
      await search.getByRole('button', { name: 'Execute' }).click();

      const live = search.locator('.live-responses-table .response');
      await live.first().waitFor({ timeout: 30_000 });
      await expect.poll(() => live.locator('.response-col_status').first().innerText(), SLOW).toContain('200');
      const body = live.locator('.response-col_description .highlight-code, .response-col_description pre').first();
      await expect.poll(() => body.innerText(), SLOW).toContain(id);
      // The request Swagger UI shows went to this Worker with the typed word.
      const requestUrl = await search.locator('.request-url pre').first().innerText();
      expect(requestUrl).toContain(`${worker!.url}/v1/images/`);
      expect(requestUrl).toContain(`q=${encodeURIComponent(word)}`);
      // Documented examples of optional filters (`license=by,cc0`, …) are not sent along.
      expect(requestUrl).not.toMatch(/[?&](?:license|license_type|source|extension)=/);

      await search
        .locator('.request-url')
        .first()
        .evaluate((el) => el.scrollIntoView({ block: 'start' }));
      await p.screenshot({ path: SCREENSHOT, fullPage: false });
      expect(offOrigin, 'requests to other hosts').toEqual([]);
      expect(consoleErrors, 'browser console errors').toEqual([]);
      console.info(`[docs browser test] searched "${word}" → ${id} in ${Date.now() - started} ms; screenshot ${SCREENSHOT}`);
    },
    180_000,
  );
});
