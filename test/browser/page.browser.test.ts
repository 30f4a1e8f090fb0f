/**
 * The search page at `/` as deployed: `wrangler dev` serves it (static assets, built by
 * scripts/build-assets.ts through wrangler's [build]) with the API, against the test
 * services and their fixture catalog; Debian's Chromium (scripts/install-browser.sh)
 * drives it as a person would. What the page shows is checked against what the API
 * answers, read through the typed client (client/index.ts) that the page itself uses.
 *
 * A second Worker runs with an anonymous limit of 2 searches a minute, for the
 * rate-limited state (a real 429 from the real limiter). Screenshots go to
 * <tmpdir>/edgeverse-page/ (not committed).
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import pg from 'pg';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createEdgeverseClient, type EdgeverseClient, type ImageSearchQuery } from '../../client/index.js';
import { attributionHtml } from '../../model/attribution.js';
import { licenseDisplayName } from '../../model/licenses.js';
import { PAGE_BUDGET_GZIP_BYTES, PAGE_CACHE_CONTROL, pageCsp } from '../../scripts/build-assets.js';
import type { WorkerProcess } from '../../scripts/stack/wrangler.js';
import { ASSET_CACHE_CONTROL } from '../../worker/routes/docs-assets.js';
import { formatWait } from '../../web/format.js';
import { hasChromium, launchChromium, SKIP_REASON, SLOW, serviceVars, workerPool } from './browser-harness.js';

const SHOTS = path.join(tmpdir(), 'edgeverse-page');
const LONG = 180_000;
if (!hasChromium) console.warn(`[page browser test] Chromium skipped: ${SKIP_REASON}`);
const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const REPORT_NOTE = `page browser test ${process.pid} ${Date.now()}`;

/** What goes wrong in a page: uncaught errors, console errors (CSP refusals among them), requests to other hosts. */
interface Watch {
  errors: string[];
  offOrigin: string[];
}

describe(`search page under wrangler dev${hasChromium ? ', in Chromium' : ` (Chromium skipped: ${SKIP_REASON})`}`, () => {
  const workers = workerPool('page');
  let worker: WorkerProcess | undefined;
  let throttled: WorkerProcess | undefined;
  let browser: Browser | undefined;
  let api: EdgeverseClient;
  const mediaUrl = inject('mediaUrl');

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    // Each is kept as soon as it is up, and every start is waited for, so that afterAll
    // stops what did start even when another failed.
    const started = await Promise.allSettled([
      workers
        .start({
          ...serviceVars(),
          // A page load is a search, a thumbnail per result, related works…: not this suite's subject.
          THROTTLE_ANON_BURST: '100000/min',
          THROTTLE_ANON_SUSTAINED: '1000000/day',
          THROTTLE_ANON_THUMBS: '100000/min',
        })
        .then((w) => (worker = w)),
      hasChromium
        ? workers
            .start({
              ...serviceVars(),
              // Two searches a minute: the third is refused with a 429 and Retry-After.
              THROTTLE_ANON_BURST: '2/min',
              THROTTLE_ANON_SUSTAINED: '1000000/day',
              THROTTLE_LEASE_MS: '0',
            })
            .then((w) => (throttled = w))
        : undefined,
      // The player test starts playback from script.
      hasChromium ? launchChromium(['--autoplay-policy=no-user-gesture-required']).then((b) => (browser = b)) : undefined,
    ]);
    for (const result of started) if (result.status === 'rejected') throw result.reason;
    api = createEdgeverseClient({ baseUrl: worker!.url });
  }, LONG);

  afterAll(async () => {
    await browser?.close().catch(() => {});
    await workers.close();
    const client = new pg.Client({ connectionString: inject('databaseUrl') });
    await client.connect();
    await client.query('delete from content_report where description = $1', [REPORT_NOTE]).finally(() => client.end());
  }, LONG);

  async function newPage(
    base: string,
    options: Parameters<Browser['newContext']>[0] = {},
  ): Promise<{ context: BrowserContext; page: Page; watch: Watch }> {
    const context = await browser!.newContext({ viewport: { width: 1280, height: 900 }, ...options });
    const page = await context.newPage();
    const watch: Watch = { errors: [], offOrigin: [] };
    page.on('console', (msg) => {
      if (msg.type() === 'error') watch.errors.push(msg.text());
    });
    page.on('pageerror', (err) => watch.errors.push(err.message));
    // Only the Worker, and the demo media server for audio (which `wrangler dev`'s CSP allows).
    page.on('request', (request) => {
      const url = request.url();
      if (url.startsWith(`${base}/`) || url.startsWith('data:') || url.startsWith(`${mediaUrl}/audio/`)) return;
      watch.offOrigin.push(url);
    });
    return { context, page, watch };
  }

  function clean(watch: Watch): void {
    expect(watch.errors, 'browser console errors (a CSP refusal is one)').toEqual([]);
    expect(watch.offOrigin, 'requests to other hosts').toEqual([]);
  }

  /** Loads a view of the page and waits for it to show results, an empty result or a problem. */
  async function open(page: Page, base: string, search = ''): Promise<void> {
    const res = await page.goto(`${base}/${search}`);
    expect(res?.status()).toBe(200);
    await page.locator('#results-list, #empty, #problem').first().waitFor({ timeout: 30_000 });
  }

  /** The ids of the works the page shows, in order. */
  function shownIds(page: Page): Promise<string[]> {
    return page.$$eval('#results-list > li', (items) =>
      items.map((li) => (li as HTMLElement).dataset.id ?? (li.querySelector('[data-id]') as HTMLElement | null)?.dataset.id ?? ''),
    );
  }

  async function searchImages(query: ImageSearchQuery = {}) {
    const { data, response } = await api.GET('/v1/images/', { params: { query } });
    expect(response.status, JSON.stringify(query)).toBe(200);
    return data!;
  }

  /** A word of the first image's title that finds it on the first page. */
  async function searchableImage(): Promise<{ id: string; word: string }> {
    const first = (await searchImages({ page_size: 1 })).results[0];
    expect(first, 'the fixture has images').toBeTruthy();
    const words = [...new Set((first.title ?? '').toLowerCase().match(/\p{L}{3,}/gu) ?? [])].sort((a, b) => b.length - a.length);
    for (const word of words) {
      if ((await searchImages({ q: word })).results.some((r) => r.id === first.id)) return { id: first.id, word };
    }
    throw new Error(`no word of the title ${JSON.stringify(first.title)} finds image ${first.id} on the first page`);
  }

  const shot = (page: Page, name: string) => page.screenshot({ path: path.join(SHOTS, `${name}.png`) });

  it('is served as static assets: strict CSP, revalidated HTML, hashed files cached for a year, under the size budget', async () => {
    const res = await fetch(`${worker!.url}/?q=cat`);
    const html = await res.text();
    expect(res.status, html.slice(0, 200)).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    // `wrangler dev` builds with the demo media server allowed; a deploy builds pageCsp().
    expect(res.headers.get('content-security-policy')).toBe(pageCsp({ dev: true }));
    expect(res.headers.get('cache-control')).toBe(PAGE_CACHE_CONTROL);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('x-request-id'), 'answered by the assets layer, not the Worker').toBeNull();
    const etag = res.headers.get('etag');
    expect(etag).toBeTruthy();
    expect((await fetch(`${worker!.url}/`, { headers: { 'If-None-Match': etag! } })).status).toBe(304);

    const files = [...html.matchAll(/(?:src|href)="(\/static\/[^"]+)"/g)].map((m) => m[1]);
    expect(files.map((f) => path.extname(f)).sort()).toEqual(['.css', '.js']);
    let gzipped = 0;
    for (const file of files) {
      const asset = await fetch(`${worker!.url}${file}`);
      const body = new Uint8Array(await asset.arrayBuffer());
      expect(asset.status, file).toBe(200);
      expect(asset.headers.get('content-type'), file).toMatch(file.endsWith('.js') ? /^text\/javascript/ : /^text\/css/);
      expect(asset.headers.get('cache-control'), file).toBe(ASSET_CACHE_CONTROL);
      expect(asset.headers.get('x-content-type-options'), file).toBe('nosniff');
      gzipped += gzipSync(body, { level: 9 }).length;
    }
    expect(gzipped).toBeLessThan(PAGE_BUDGET_GZIP_BYTES);
    console.info(`[page browser test] page script + CSS: ${(gzipped / 1024).toFixed(1)} KiB gzipped`);
  });

  it.skipIf(!hasChromium)(
    "searches: the box and Enter show the API's results, in its order, thumbnails through /thumb/",
    async () => {
      const { id, word } = await searchableImage();
      const { context, page, watch } = await newPage(worker!.url);
      await open(page, worker!.url);
      await page.locator('#q').fill(word);
      await page.locator('#q').press('Enter');
      await expect.poll(() => new URL(page.url()).searchParams.get('q'), SLOW).toBe(word);
      const answer = await searchImages({ q: word });
      await expect.poll(() => shownIds(page), SLOW).toEqual(answer.results.map((r) => r.id));
      expect(await shownIds(page)).toContain(id);
      await expect.poll(() => page.locator('#status').innerText(), SLOW).toContain(`for “${word}”`);
      const first = page.locator('#results-list .card img').first();
      expect(await first.getAttribute('src')).toBe(`/v1/images/${answer.results[0].id}/thumb/`);
      expect(await first.getAttribute('loading')).toBe('lazy');
      await expect.poll(() => first.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth), SLOW).toBeGreaterThan(0);
      await shot(page, 'search');
      clean(watch);
      await context.close();
    },
    LONG,
  );

  it.skipIf(!hasChromium)(
    'filters by licence: the URL and the results follow; Back undoes it, answered from the HTTP cache',
    async () => {
      const all = await searchImages();
      const counts = new Map<string, number>();
      for (const r of all.results) counts.set(r.license, (counts.get(r.license) ?? 0) + 1);
      const license = [...counts].sort((a, b) => b[1] - a[1])[0][0];
      const filtered = await searchImages({ license });
      expect(filtered.results.length).toBeGreaterThan(0);
      expect(filtered.results.every((r) => r.license === license)).toBe(true);

      const { context, page, watch } = await newPage(worker!.url);
      const cdp = await context.newCDPSession(page);
      await cdp.send('Network.enable');
      const sent = new Map<string, string>();
      const fromCache = new Set<string>();
      cdp.on('Network.requestWillBeSent', (e) => sent.set(e.requestId, e.request.url));
      // Answered by the memory cache, or by the HTTP (disk) cache without a request on the wire.
      cdp.on('Network.requestServedFromCache', (e) => fromCache.add(e.requestId));
      cdp.on('Network.responseReceived', (e) => {
        if (e.response.fromDiskCache) fromCache.add(e.requestId);
      });

      await open(page, worker!.url);
      await expect.poll(() => shownIds(page), SLOW).toEqual(all.results.map((r) => r.id));
      await page.locator(`#filters input[name="license"][value="${license}"]`).check();
      await expect.poll(() => new URL(page.url()).searchParams.get('license'), SLOW).toBe(license);
      await expect.poll(() => shownIds(page), SLOW).toEqual(filtered.results.map((r) => r.id));
      expect(await page.locator(`#filters input[name="license"][value="${license}"]`).isChecked()).toBe(true);
      await shot(page, 'filter');

      const before = new Set(sent.keys());
      await page.goBack();
      await expect.poll(() => new URL(page.url()).searchParams.get('license'), SLOW).toBeNull();
      await expect.poll(() => shownIds(page), SLOW).toEqual(all.results.map((r) => r.id));
      expect(await page.locator(`#filters input[name="license"][value="${license}"]`).isChecked()).toBe(false);
      const again = [...sent].filter(([requestId, url]) => !before.has(requestId) && url === `${worker!.url}/v1/images/`);
      expect(again.length, 'the unfiltered search was asked again').toBeGreaterThan(0);
      expect(
        again.every(([requestId]) => fromCache.has(requestId)),
        'the repeated search is answered by the browser cache',
      ).toBe(true);
      clean(watch);
      await context.close();
    },
    LONG,
  );

  it.skipIf(!hasChromium)(
    "pages: Next and Previous show the API's pages, and a reload of the URL shows the same page",
    async () => {
      const first = await searchImages();
      expect(first.page_count, 'the fixture fills several pages').toBeGreaterThan(1);
      const second = await searchImages({ page: 2 });
      const { context, page, watch } = await newPage(worker!.url);
      await open(page, worker!.url);
      await expect.poll(() => shownIds(page), SLOW).toEqual(first.results.map((r) => r.id));
      await page.locator('.pager a[rel="next"]').focus();
      await page.keyboard.press('Enter');
      await expect.poll(() => new URL(page.url()).searchParams.get('page'), SLOW).toBe('2');
      await expect.poll(() => shownIds(page), SLOW).toEqual(second.results.map((r) => r.id));
      // The pressed link is gone with the old page: the new results have the focus.
      expect(await page.evaluate(() => document.activeElement?.id)).toBe('results');
      await expect.poll(() => page.locator('#status').innerText(), SLOW).toContain(`page 2 of ${second.page_count}`);
      await page.reload();
      await expect.poll(() => shownIds(page), SLOW).toEqual(second.results.map((r) => r.id));
      await page.locator('.pager a[rel="prev"]').click();
      await expect.poll(() => shownIds(page), SLOW).toEqual(first.results.map((r) => r.id));
      expect(new URL(page.url()).searchParams.get('page')).toBeNull();
      clean(watch);
      await context.close();
    },
    LONG,
  );

  it.skipIf(!hasChromium)(
    'opens a detail: licence badge, attribution copied as text and HTML, related works, a report; Escape closes it',
    async () => {
      const { word } = await searchableImage();
      const work = (await searchImages({ q: word })).results[0];
      const { data: related } = await api.GET('/v1/images/{identifier}/related/', { params: { path: { identifier: work.id } } });
      const { context, page, watch } = await newPage(worker!.url, { permissions: ['clipboard-read', 'clipboard-write'] });
      await open(page, worker!.url, `?q=${encodeURIComponent(word)}`);
      const card = page.locator(`#results-list .card[data-id="${work.id}"]`);
      await card.click();
      const dialog = page.locator('dialog#detail[open]');
      await dialog.locator(`.detail-body[data-id="${work.id}"]`).waitFor({ timeout: 30_000 });
      expect(new URL(page.url()).searchParams.get('id')).toBe(work.id);
      expect(await dialog.locator('#detail-title').innerText()).toBe(work.title || 'Untitled image');
      const badge = dialog.locator('.license-line .badge');
      expect(await badge.innerText()).toBe(licenseDisplayName(work.license, work.license_version));
      expect(await badge.getAttribute('href')).toBe(work.license_url);

      await dialog.locator('[data-copy="text"]').click();
      await expect.poll(() => page.evaluate(() => navigator.clipboard.readText()), SLOW).toBe(work.attribution);
      await dialog.locator('[data-copy="html"]').click();
      const html = attributionHtml({
        title: work.title,
        creator: work.creator,
        license: work.license,
        licenseVersion: work.license_version,
        licenseUrl: work.license_url,
        foreignLandingUrl: work.foreign_landing_url,
        creatorUrl: work.creator_url,
      });
      await expect.poll(() => page.evaluate(() => navigator.clipboard.readText()), SLOW).toBe(html);
      await expect.poll(() => dialog.locator('.copy-status').innerText(), SLOW).toBe('HTML copied to the clipboard.');

      const relatedIds = related!.results
        .filter((r) => r.id !== work.id)
        .slice(0, 8)
        .map((r) => r.id);
      await expect
        .poll(() => dialog.locator('.related-list [data-id]').evaluateAll((els) => els.map((el) => (el as HTMLElement).dataset.id)), SLOW)
        .toEqual(relatedIds);

      await dialog.locator('.report summary').click();
      await dialog.locator('input[name="reason"][value="other"]').check();
      await dialog.locator('#report-description').fill(REPORT_NOTE);
      await dialog.getByRole('button', { name: 'Send report' }).click();
      await expect.poll(() => dialog.locator('.report-status').innerText(), SLOW).toContain('the report was sent');
      await shot(page, 'detail');

      await page.keyboard.press('Escape');
      await expect.poll(() => dialog.count(), SLOW).toBe(0);
      // Closing goes back in history (the detail's own entry): the URL follows asynchronously.
      await expect.poll(() => new URL(page.url()).searchParams.get('id'), SLOW).toBeNull();
      expect(await page.evaluate(() => (document.activeElement as HTMLElement | null)?.dataset.id)).toBe(work.id);
      clean(watch);
      await context.close();
    },
    LONG,
  );

  it.skipIf(!hasChromium)(
    "plays a demo track: its waveform is drawn, the player loads the media server's WAV and time advances",
    async () => {
      const { data } = await api.GET('/v1/audio/', { params: { query: { peaks: true } } });
      const track = data!.results.find((r) => r.url?.startsWith(`${mediaUrl}/audio/`) && r.peaks?.length);
      expect(track, 'a demo track with a waveform on the first page').toBeTruthy();
      const { context, page, watch } = await newPage(worker!.url);
      await open(page, worker!.url, '?media=audio');
      await expect.poll(() => shownIds(page), SLOW).toEqual(data!.results.map((r) => r.id));
      const item = page.locator(`#results-list > li[data-id="${track!.id}"]`);
      expect(await item.locator('svg.waveform:not(.empty) path.wave-base').count()).toBe(1);
      const audio = item.locator('audio');
      expect(await audio.getAttribute('src')).toBe(track!.url);
      expect(await audio.getAttribute('preload')).toBe('none');
      await audio.evaluate((el: HTMLAudioElement) => el.play());
      await expect.poll(() => audio.evaluate((el: HTMLAudioElement) => el.currentTime), SLOW).toBeGreaterThan(0.2);
      expect(await audio.evaluate((el: HTMLAudioElement) => el.error?.code ?? null)).toBeNull();
      expect(await audio.evaluate((el: HTMLAudioElement) => Math.round(el.duration * 1000))).toBeCloseTo(track!.duration!, -2);
      const played = Number(await item.locator('clipPath rect').getAttribute('width'));
      expect(played, 'the waveform shows progress').toBeGreaterThan(0);
      // A catalog track on its provider's host is outside the CSP's media-src: no player, a link instead.
      const remote = data!.results.find((r) => r.url && !r.url.startsWith(`${mediaUrl}/`));
      if (remote) {
        const other = page.locator(`#results-list > li[data-id="${remote.id}"]`);
        expect(await other.locator('audio').count()).toBe(0);
        expect(await other.locator('.unplayable a').getAttribute('href')).toBe(remote.foreign_landing_url);
      }
      await shot(page, 'audio');
      await audio.evaluate((el: HTMLAudioElement) => el.pause());
      clean(watch);
      await context.close();
    },
    LONG,
  );

  it.skipIf(!hasChromium)(
    'works from the keyboard alone: Tab to the box, type, Enter; Tab to a result, Enter opens it; copy; Escape',
    async () => {
      const { word } = await searchableImage();
      const expected = (await searchImages({ q: word })).results.map((r) => r.id);
      const { context, page, watch } = await newPage(worker!.url, { permissions: ['clipboard-read', 'clipboard-write'] });
      await open(page, worker!.url);
      type Focused = { id: string; cls: string; name: string; value: string };
      const active = () =>
        page.evaluate(() => {
          const el = document.activeElement as HTMLInputElement | null;
          return { id: el?.id ?? '', cls: el?.className ?? '', name: el?.name ?? '', value: el?.value ?? '' };
        });
      const tabUntil = async (test: (el: Focused) => boolean, max: number) => {
        for (let i = 0; i < max; i++) {
          await page.keyboard.press('Tab');
          if (test(await active())) return i + 1;
        }
        throw new Error(`focus never reached the target in ${max} Tab presses (at ${JSON.stringify(await active())})`);
      };

      await tabUntil((el) => el.id === 'q', 5);
      await page.keyboard.type(word);
      await page.keyboard.press('Enter');
      await expect.poll(() => shownIds(page), SLOW).toEqual(expected);
      // A filter from the keyboard: Space toggles it, and the focus stays on it while the panel redraws.
      await tabUntil((el) => el.name === 'license' && el.value === 'by', 20);
      await page.keyboard.press('Space');
      await expect.poll(() => new URL(page.url()).searchParams.get('license'), SLOW).toBe('by');
      await expect.poll(() => page.locator('#results[aria-busy]').count(), SLOW).toBe(0);
      expect(await active()).toMatchObject({ name: 'license', value: 'by' });
      await page.keyboard.press('Space');
      await expect.poll(() => new URL(page.url()).searchParams.get('license'), SLOW).toBeNull();
      await expect.poll(() => shownIds(page), SLOW).toEqual(expected);
      expect(await active()).toMatchObject({ name: 'license', value: 'by' });
      const presses = await tabUntil((el) => el.cls.split(' ').includes('card'), 60);
      const focused = await page.evaluate(() => (document.activeElement as HTMLElement).dataset.id);
      expect(focused, 'the first result is the first card reached').toBe(expected[0]);
      // Focus is visible.
      expect(await page.evaluate(() => getComputedStyle(document.activeElement!).outlineStyle)).toBe('solid');

      await page.keyboard.press('Enter');
      const dialog = page.locator('dialog#detail[open]');
      await dialog.locator(`.detail-body[data-id="${focused}"]`).waitFor({ timeout: 30_000 });
      expect(await page.evaluate(() => !!document.activeElement?.closest('dialog'))).toBe(true);
      for (let i = 0; i < 20; i++) {
        if (await page.evaluate(() => (document.activeElement as HTMLElement | null)?.dataset.copy === 'text')) break;
        await page.keyboard.press('Tab');
      }
      await page.keyboard.press('Enter');
      await expect.poll(() => dialog.locator('.copy-status').innerText(), SLOW).toBe('Text copied to the clipboard.');
      await page.keyboard.press('Escape');
      await expect.poll(() => dialog.count(), SLOW).toBe(0);
      expect(await page.evaluate(() => (document.activeElement as HTMLElement).dataset.id), 'focus returns to the result').toBe(focused);
      console.info(`[page browser test] keyboard: ${presses} Tab presses from the search box to the first result`);
      clean(watch);
      await context.close();
    },
    LONG,
  );

  it.skipIf(!hasChromium)(
    'explains a rate-limited answer (a real 429 from the limiter): what happened and when to try again',
    async () => {
      const { context, page, watch } = await newPage(throttled!.url);
      const refused: (string | null)[] = [];
      page.on('response', (res) => {
        if (res.status() === 429 && new URL(res.url()).pathname === '/v1/images/') refused.push(res.headers()['retry-after'] ?? null);
      });
      await open(page, throttled!.url, '?q=zzpagelimit0');
      for (let i = 1; i <= 4 && !refused.length; i++) {
        await page.locator('#q').fill(`zzpagelimit${i}`);
        await page.locator('#q').press('Enter');
        await page.locator('#empty, #problem').first().waitFor({ timeout: 30_000 });
        await expect.poll(() => new URL(page.url()).searchParams.get('q'), SLOW).toBe(`zzpagelimit${i}`);
        await expect.poll(() => page.locator('#results[aria-busy]').count(), SLOW).toBe(0);
      }
      expect(refused.length, 'the third search of the minute is refused').toBe(1);
      const retryAfter = Number(refused[0]);
      expect(retryAfter).toBeGreaterThan(0);
      const problem = page.locator('#problem[data-kind="rate_limited"]');
      await problem.waitFor({ timeout: 30_000 });
      expect(await problem.locator('h2').innerText()).toBe('Too many requests');
      expect(await problem.innerText()).toContain(`try again in ${formatWait(retryAfter)}`);
      expect(await problem.getByRole('button', { name: 'Try again' }).count()).toBe(1);
      expect(await page.locator('#status').innerText()).toContain('Too many requests');
      await shot(page, 'rate-limited');
      // The refusal is logged by the browser as a failed resource (429); nothing else may be.
      watch.errors = watch.errors.filter((e) => !/status of 429/.test(e));
      clean(watch);
      await context.close();
    },
    LONG,
  );

  it.skipIf(!hasChromium)(
    'passes axe-core with no serious or critical violations, in light and dark, results, audio, detail and empty states',
    async () => {
      const { id, word } = await searchableImage();
      const views: [string, string][] = [
        ['results', `?q=${encodeURIComponent(word)}`],
        ['audio', '?media=audio'],
        ['detail', `?q=${encodeURIComponent(word)}&id=${id}`],
        ['empty', '?q=zzznothingmatches'],
      ];
      const report: string[] = [];
      for (const colorScheme of ['light', 'dark'] as const) {
        // axe is injected as an inline script, which the page's CSP refuses: bypassed for this run only.
        const { context, page } = await newPage(worker!.url, { colorScheme, bypassCSP: true });
        for (const [name, search] of views) {
          await open(page, worker!.url, search);
          if (name === 'detail') await page.locator(`dialog#detail[open] .detail-body[data-id="${id}"]`).waitFor({ timeout: 30_000 });
          await page.addScriptTag({ content: AXE_SOURCE });
          const violations = await page.evaluate(async () => {
            const axe = (window as unknown as { axe: { run: (ctx: Document, opts: object) => Promise<{ violations: any[] }> } }).axe;
            const result = await axe.run(document, { resultTypes: ['violations'] });
            return result.violations.map((v) => ({
              id: v.id,
              impact: v.impact as string,
              nodes: v.nodes.map((n: any) => n.target.join(' ')),
            }));
          });
          const serious = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
          expect(serious, `${colorScheme} ${name}`).toEqual([]);
          report.push(`${colorScheme} ${name}: ${violations.length ? violations.map((v) => `${v.impact} ${v.id}`).join(', ') : 'none'}`);
          await shot(page, `${name}-${colorScheme}`);
        }
        await context.close();
      }
      console.info(`[page browser test] axe violations: ${report.join('; ')}`);
    },
    LONG,
  );

  it.skipIf(!hasChromium)(
    'follows prefers-color-scheme and prefers-reduced-motion',
    async () => {
      const look = async (options: Parameters<Browser['newContext']>[0]) => {
        const { context, page } = await newPage(worker!.url, options);
        await open(page, worker!.url);
        const style = await page.evaluate(() => ({
          background: getComputedStyle(document.body).backgroundColor,
          transition: getComputedStyle(document.getElementById('results')!).transitionDuration,
        }));
        await context.close();
        return style;
      };
      const light = await look({ colorScheme: 'light', reducedMotion: 'no-preference' });
      const dark = await look({ colorScheme: 'dark', reducedMotion: 'reduce' });
      expect(light.background).toBe('rgb(255, 255, 255)');
      expect(dark.background).not.toBe(light.background);
      expect(light.transition).toBe('0.2s');
      expect(dark.transition).toBe('0s');
    },
    LONG,
  );
});
