/**
 * `npm run bench:page -- [--url http://localhost:8787] [--query mountain] [--loads 5] [--dry]`:
 * the search page's budget, measured against a running stack (`npm start`), appended to
 * bench/RESULTS.md (not with --dry):
 *
 * 1. size: the page's script and CSS as a deploy builds them (scripts/build-assets.ts),
 *    raw and gzipped (level 9), against the 100 KB budget;
 * 2. time to first results: `--loads` fresh browser contexts (cold HTTP cache) open
 *    `/?q=<query>`; the page marks `edgeverse:first-results` two animation frames after it
 *    drew the first results (i.e. once painted); the figure is that mark's time since
 *    navigation start, with the HTML, script and search answer's `responseEnd` beside it,
 *    and the first thumbnail's; then one warm load in the last context;
 * 3. the HTTP cache: in one page, search A, then B, then Back to A: the browser answers A
 *    from its cache (Chrome DevTools Protocol: no request on the wire); a revalidation of
 *    A (`fetch(…, { cache: 'no-cache' })`) goes out with `If-None-Match` and comes back
 *    304 on the wire (the script sees the cached 200); and the same from Node: `ETag`,
 *    then `If-None-Match` → 304 with an empty body.
 *
 * Uses Debian's Chromium (scripts/install-browser.sh). Timings depend on the machine and
 * its load: the load average is recorded.
 */
import { appendFileSync, existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { cliOptions, commandLine } from '../harness/args.js';
import { buildPage, PAGE_BUDGET_GZIP_BYTES } from '../scripts/build-assets.js';

const USAGE = `npm run bench:page -- [--url http://localhost:8787] [--query mountain] [--loads 5] [--dry]

Measures the search page of a running stack (npm start) and appends the figures to bench/RESULTS.md.`;
const CHROMIUM = '/usr/bin/chromium';
const RESULTS = path.join(path.dirname(fileURLToPath(import.meta.url)), 'RESULTS.md');

const options = cliOptions(
  { url: { type: 'string' }, query: { type: 'string' }, loads: { type: 'string' }, dry: { type: 'boolean' } },
  USAGE,
);
const base = (options.url ?? 'http://localhost:8787').replace(/\/$/, '');
const query = options.query ?? 'mountain';
const loads = Number(options.loads ?? 5);
if (!(loads >= 1)) throw new Error(`--loads must be a positive number, not ${options.loads}`);
if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: run scripts/install-browser.sh`);

const kib = (n: number) => `${(n / 1024).toFixed(1)} KiB`;
const ms = (n: number) => `${Math.round(n)} ms`;
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

// 1. Size, as a deploy builds it.
const { bytes } = buildPage();

// The stack must be up, and the query must find something.
const probe = await fetch(`${base}/v1/images/?q=${encodeURIComponent(query)}`);
if (probe.status !== 200) throw new Error(`${base}/v1/images/?q=${query} answered ${probe.status}: is the stack up (npm start)?`);
const probeBody = (await probe.json()) as { result_count: number };
if (!probeBody.result_count) throw new Error(`"${query}" finds nothing: pass --query with a word of the catalog`);

const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu'] });
const browserVersion = browser.version();

interface Load {
  firstResults: number;
  html: number;
  script: number;
  search: number;
  firstThumb: number | null;
}

async function measure(page: import('playwright-core').Page, url: string): Promise<Load> {
  await page.goto(url);
  await page.waitForFunction(() => performance.getEntriesByName('edgeverse:first-results').length > 0, null, { timeout: 30_000 });
  await page
    .locator('#results-list img')
    .first()
    .evaluate((img: HTMLImageElement) => img.complete || new Promise((resolve) => img.addEventListener('load', resolve, { once: true })));
  // No named functions inside: tsx would wrap them in a `__name` helper the page lacks.
  return page.evaluate(() => {
    const resources = (performance.getEntriesByType('resource') as PerformanceResourceTiming[]).map((r) => ({
      path: new URL(r.name).pathname,
      end: r.responseEnd,
    }));
    const nav = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming;
    return {
      firstResults: performance.getEntriesByName('edgeverse:first-results')[0].startTime,
      html: nav.responseEnd,
      script: resources.find((r) => r.path.startsWith('/static/') && r.path.endsWith('.js'))?.end ?? Number.NaN,
      search: resources.find((r) => r.path === '/v1/images/')?.end ?? Number.NaN,
      firstThumb: resources.find((r) => r.path.endsWith('/thumb/'))?.end ?? null,
    };
  });
}

// 2. Time to first results, cold cache each time, then one warm load.
const searchUrl = `${base}/?q=${encodeURIComponent(query)}`;
const cold: Load[] = [];
let warm: Load | null = null;
for (let i = 0; i < loads; i++) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  cold.push(await measure(page, searchUrl));
  if (i === loads - 1) warm = await measure(page, searchUrl);
  await context.close();
}

// 3. The HTTP cache.
const context = await browser.newContext();
const page = await context.newPage();
const cdp = await context.newCDPSession(page);
await cdp.send('Network.enable');
const sent = new Map<string, string>();
const fromCache = new Set<string>();
const wireStatus = new Map<string, number>();
const wireRequestHeaders = new Map<string, Record<string, string>>();
cdp.on('Network.requestWillBeSent', (e) => sent.set(e.requestId, e.request.url));
cdp.on('Network.requestServedFromCache', (e) => fromCache.add(e.requestId));
cdp.on('Network.responseReceived', (e) => {
  if (e.response.fromDiskCache) fromCache.add(e.requestId);
});
cdp.on('Network.responseReceivedExtraInfo', (e) => wireStatus.set(e.requestId, e.statusCode));
cdp.on('Network.requestWillBeSentExtraInfo', (e) => wireRequestHeaders.set(e.requestId, e.headers as Record<string, string>));
const apiA = `${base}/v1/images/?q=${encodeURIComponent(query)}`;
await page.goto(searchUrl);
await page.locator('#results-list').waitFor({ timeout: 30_000 });
await page.locator('#q').fill(`${query} a`);
await page.locator('#q').press('Enter');
await page.waitForFunction((q) => new URL(location.href).searchParams.get('q') === q, `${query} a`);
await page.locator('#results[aria-busy]').waitFor({ state: 'detached', timeout: 30_000 });
const beforeBack = new Set(sent.keys());
await page.goBack();
await page.waitForFunction((q) => new URL(location.href).searchParams.get('q') === q, query);
await page.locator('#results[aria-busy]').waitFor({ state: 'detached', timeout: 30_000 });
await page.waitForTimeout(300);
const back = [...sent].filter(([id, url]) => !beforeBack.has(id) && url === apiA);
const backFromCache = back.length > 0 && back.every(([id]) => fromCache.has(id));
const beforeRevalidate = new Set(sent.keys());
const seenByScript = await page.evaluate((url) => fetch(url, { cache: 'no-cache' }).then((r) => r.status), apiA);
await page.waitForTimeout(300);
const revalidation = [...sent].find(([id, url]) => !beforeRevalidate.has(id) && url === apiA);
const revalidationStatus = revalidation ? wireStatus.get(revalidation[0]) : undefined;
const revalidationSentEtag = revalidation
  ? Object.keys(wireRequestHeaders.get(revalidation[0]) ?? {}).some((h) => h.toLowerCase() === 'if-none-match')
  : false;
await browser.close();

const first = await fetch(apiA);
const etag = first.headers.get('etag');
const firstBytes = (await first.arrayBuffer()).byteLength;
const second = await fetch(apiA, { headers: { 'If-None-Match': etag ?? '' } });
const secondBytes = (await second.arrayBuffer()).byteLength;

const figure = (pick: (l: Load) => number | null) => {
  const xs = cold.map(pick).filter((x): x is number => x !== null && Number.isFinite(x));
  return xs.length ? `${ms(median(xs))} (${xs.map((x) => Math.round(x)).join(', ')})` : 'n/a';
};
const now = new Date();
const lines = [
  '',
  `## ${now.toISOString().slice(0, 16).replace('T', ' ')} UTC — the search page: size, first results, HTTP cache`,
  '',
  `- command: \`${commandLine('bench:page')}\` against \`npm start\` at ${base}`,
  `- machine: ${os.cpus().length} CPUs (${os.cpus()[0]?.model ?? '?'}), load average at start ${os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}; Chromium ${browserVersion} headless; Node ${process.version}`,
  '',
  '| what | figure |',
  '|---|---|',
  `| page script (as deployed, minified) | ${kib(bytes.script)} raw, **${kib(bytes.scriptGzip)} gzip** |`,
  `| page CSS | ${kib(bytes.style)} raw, **${kib(bytes.styleGzip)} gzip** |`,
  `| script + CSS gzipped (budget ${kib(PAGE_BUDGET_GZIP_BYTES)}) | **${kib(bytes.gzipTotal)}** (${((100 * bytes.gzipTotal) / PAGE_BUDGET_GZIP_BYTES).toFixed(0)} % of it) |`,
  `| first results painted, \`/?q=${query}\`, cold cache, median of ${loads} (each) | **${figure((l) => l.firstResults)}** |`,
  `| … HTML received | ${figure((l) => l.html)} |`,
  `| … script received | ${figure((l) => l.script)} |`,
  `| … search answer received | ${figure((l) => l.search)} |`,
  `| … first thumbnail received | ${figure((l) => l.firstThumb)} |`,
  `| first results painted, warm (same context, once) | ${warm ? ms(warm.firstResults) : 'n/a'} |`,
  `| Back to a search seen seconds ago | ${backFromCache ? '**answered by the browser cache**: no request on the wire' : `NOT from the cache (${back.length} request(s))`} |`,
  `| revalidation of that search (\`cache: 'no-cache'\`) | ${revalidationSentEtag ? 'sent with `If-None-Match`, ' : ''}wire status **${revalidationStatus ?? '?'}**, the script sees ${seenByScript} |`,
  `| from Node: GET, then GET with \`If-None-Match: ${etag}\` | ${first.status} (${firstBytes} B), then **${second.status}** (${secondBytes} B) |`,
  '',
  `- Search answers carry \`${first.headers.get('cache-control')}\` and a strong ETag, so the browser reuses a search for a minute without asking, and after that revalidates it (a 304, no body).`,
  '- The thumbnails of the first row are requested as soon as the grid is drawn (`loading="lazy"` defers only those below the fold).',
];
const text = `${lines.join('\n')}\n`;
console.log(text);
if (!options.dry) {
  appendFileSync(RESULTS, text);
  console.log(`appended to ${path.relative(process.cwd(), RESULTS)}`);
}
