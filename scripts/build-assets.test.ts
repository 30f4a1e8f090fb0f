import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { mediaAllowed, mediaSources } from '../web/media-policy.js';
import { ASSET_CACHE_CONTROL, SWAGGER_UI_FILES, SWAGGER_UI_ROOT } from '../worker/routes/docs-assets.js';
import {
  buildAssets,
  buildPage,
  DEV_MEDIA_SOURCES,
  headersFile,
  PAGE_BUDGET_GZIP_BYTES,
  PAGE_CACHE_CONTROL,
  PAGE_STATIC_ROOT,
  pageCsp,
  pageMediaSources,
  withoutSourceMap,
} from './build-assets.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** The headers of one `_headers` rule, by pattern. */
function ruleOf(file: string, pattern: string): string[] {
  const lines = file.split('\n');
  const at = lines.indexOf(pattern);
  expect(at, `a rule for ${pattern}`).toBeGreaterThanOrEqual(0);
  const out: string[] = [];
  for (const line of lines.slice(at + 1)) {
    if (!line.startsWith('  ')) break;
    out.push(line.trim());
  }
  return out;
}

describe('scripts/build-assets.ts', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'edgeverse-assets-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("writes Swagger UI's files where the docs page asks for them, and their headers", () => {
    const { files, bytes } = buildAssets(dir);
    const folder = path.join(dir, ...SWAGGER_UI_ROOT.split('/').filter(Boolean));
    expect(readdirSync(folder).sort()).toEqual([...SWAGGER_UI_FILES].sort());
    // Swagger UI's files, the page (index.html, its script and stylesheet) and _headers.
    expect(files).toBe(SWAGGER_UI_FILES.length + 4);
    expect(bytes).toBeGreaterThan(1_500_000);
    expect(readFileSync(path.join(folder, 'swagger-ui-bundle.js'), 'utf8')).toContain('SwaggerUIBundle');
    const css = readFileSync(path.join(folder, 'swagger-ui.css'), 'utf8');
    expect(css).toContain('.swagger-ui');
    expect(css, 'the map is not shipped, so it is not referenced').not.toContain('sourceMappingURL');
    const headers = readFileSync(path.join(dir, '_headers'), 'utf8');
    expect(ruleOf(headers, '/v1/docs/*')).toEqual([`Cache-Control: ${ASSET_CACHE_CONTROL}`, 'X-Content-Type-Options: nosniff']);
  });

  it('builds the search page: index.html at the root, its script and stylesheet named by their content', () => {
    const { page } = buildAssets(dir);
    const html = readFileSync(path.join(dir, 'index.html'), 'utf8');
    expect(html).toMatch(/^<!DOCTYPE html>/);
    expect(page.script).toMatch(/^\/static\/page-[A-Z0-9]{8}\.js$/);
    expect(page.style).toMatch(/^\/static\/page-[A-Z0-9]{8}\.css$/);
    expect(html).toContain(`<script type="module" src="${page.script}"></script>`);
    expect(html).toContain(`<link rel="stylesheet" href="${page.style}">`);
    expect(html, 'every slot filled').not.toMatch(/%[A-Z_]+%/);
    expect(html, 'the page knows where it may play audio from').toContain(`<meta name="edgeverse:media-src" content="'self'">`);
    expect(readFileSync(path.join(dir, 'index.html'), 'utf8')).not.toContain('127.0.0.1');
    buildAssets(dir, { dev: true });
    expect(readFileSync(path.join(dir, 'index.html'), 'utf8')).toContain(`content="'self' ${DEV_MEDIA_SOURCES.join(' ')}"`);
    expect(html, 'the docs are one link away').toContain('href="/v1/"');
    // Nothing inline for the CSP to refuse, nothing from another origin.
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    expect(html).not.toMatch(/<style|\sstyle=|\son[a-z]+=/i);
    expect(html).not.toMatch(/(?:src|href)="(?:https?:)?\/\//);
    expect(readdirSync(path.join(dir, 'static')).sort()).toEqual([page.script, page.style].map((p) => path.basename(p)).sort());
    const script = readFileSync(path.join(dir, page.script.slice(1)), 'utf8');
    expect(script, 'bundled: no bare imports left').not.toMatch(/\bimport\s*[{(]|from\s*["']/);
    expect(script, 'no HTML sinks (Trusted Types would refuse them)').not.toMatch(
      /\.innerHTML\s*=|\.outerHTML\s*=|insertAdjacentHTML|document\.write/,
    );
    // The same sources build the same names (a deploy does not bust caches for nothing).
    expect(buildAssets(dir).page.script).toBe(page.script);
  });

  it(`keeps the page's script and CSS under ${PAGE_BUDGET_GZIP_BYTES / 1024} KB gzipped`, () => {
    const { page } = buildAssets(dir);
    expect(page.bytes.scriptGzip).toBeGreaterThan(1000);
    expect(page.bytes.styleGzip).toBeGreaterThan(500);
    expect(page.bytes.gzipTotal).toBe(page.bytes.scriptGzip + page.bytes.styleGzip);
    expect(page.bytes.gzipTotal).toBeLessThan(PAGE_BUDGET_GZIP_BYTES);
  });

  it("gives the page a strict CSP and a revalidated cache, its hashed files a year's cache", () => {
    buildAssets(dir);
    const headers = readFileSync(path.join(dir, '_headers'), 'utf8');
    const page = ruleOf(headers, '/');
    expect(page).toContain(`Content-Security-Policy: ${pageCsp()}`);
    expect(page).toContain(`Cache-Control: ${PAGE_CACHE_CONTROL}`);
    expect(page).toContain('X-Content-Type-Options: nosniff');
    expect(ruleOf(headers, `${PAGE_STATIC_ROOT}*`)).toEqual([`Cache-Control: ${ASSET_CACHE_CONTROL}`, 'X-Content-Type-Options: nosniff']);

    const csp = Object.fromEntries(
      pageCsp()
        .split(';')
        .map((d) => d.trim().split(/\s+/))
        .map(([name, ...values]) => [name, values]),
    );
    expect(csp['default-src']).toEqual(["'none'"]);
    for (const d of ['script-src', 'style-src', 'connect-src', 'media-src']) expect(csp[d], d).toEqual(["'self'"]);
    expect(csp['img-src']).toEqual(["'self'", 'data:']);
    expect(csp['frame-ancestors']).toEqual(["'none'"]);
    expect(csp['base-uri']).toEqual(["'none'"]);
    expect(csp['require-trusted-types-for']).toEqual(["'script'"]);
    expect(pageCsp(), 'no inline code, no eval, no other origin').not.toMatch(/unsafe-|https?:|\*/);
  });

  it("lets only `wrangler dev` play the local demo media server's audio", () => {
    // The page reads the same list from its meta tag (web/media-policy.ts).
    const demoTrack = 'http://127.0.0.1:8790/audio/a.wav?d=1000';
    const metaOf = (html: string) => /<meta name="edgeverse:media-src" content="([^"]*)">/.exec(html)?.[1].replace(/&#39;/g, "'");
    expect(mediaAllowed(demoTrack, mediaSources(metaOf(buildPage().files.get('index.html') as string)), 'http://127.0.0.1:8787')).toBe(
      false,
    );
    const dev = mediaSources(metaOf(buildPage({ dev: true }).files.get('index.html') as string));
    expect(dev).toEqual(pageMediaSources({ dev: true }));
    expect(mediaAllowed(demoTrack, dev, 'http://127.0.0.1:8787')).toBe(true);
    expect(pageCsp({ dev: true })).toContain(`media-src 'self' ${DEV_MEDIA_SOURCES.join(' ')};`);
    expect(headersFile({ dev: true })).toContain(pageCsp({ dev: true }));
    expect(headersFile()).not.toContain('127.0.0.1');
    for (const source of DEV_MEDIA_SOURCES) expect(source).toMatch(/^http:\/\/(?:127\.0\.0\.1|localhost):\*$/);
  });

  it('rebuilds: files left from an older version do not survive', () => {
    const stale = path.join(dir, 'v1', 'docs', 'swagger-ui-0.0.1');
    mkdirSync(stale, { recursive: true });
    writeFileSync(path.join(stale, 'old.js'), '');
    writeFileSync(path.join(dir, 'static', 'page-OLDOLDOL.js'), '');
    const { page } = buildAssets(dir);
    expect(readdirSync(path.join(dir, 'v1', 'docs'))).toEqual([SWAGGER_UI_ROOT.split('/').filter(Boolean).at(-1)]);
    expect(readdirSync(path.join(dir, 'static')).sort()).toEqual([page.script, page.style].map((p) => path.basename(p)).sort());
  });

  it('concurrent builds (one per `wrangler dev`) never leave a file missing', async () => {
    buildAssets(dir);
    const { page } = buildAssets(dir);
    const watched = ['index.html', '_headers', page.script.slice(1), `${SWAGGER_UI_ROOT.slice(1)}swagger-ui-bundle.js`].map((f) =>
      path.join(dir, f),
    );
    const builder = () =>
      new Promise<number | null>((resolve) => {
        const code = `const m = await import(${JSON.stringify(path.join(ROOT, 'scripts/build-assets.ts'))}); for (let i = 0; i < 4; i++) m.buildAssets(${JSON.stringify(dir)});`;
        const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], { cwd: ROOT, stdio: 'ignore' });
        child.on('exit', resolve);
      });
    let missing: string[] = [];
    let checks = 0;
    let running = true;
    const builders = Promise.all([builder(), builder()]).finally(() => (running = false));
    while (running) {
      for (const file of watched) if (!existsSync(file)) missing.push(path.relative(dir, file));
      checks++;
      await new Promise((r) => setTimeout(r, 2));
    }
    expect(await builders).toEqual([0, 0]);
    missing = [...new Set(missing)];
    expect(missing, `missing at some point during ${checks} checks`).toEqual([]);
    expect(checks).toBeGreaterThan(10);
  }, 120_000);

  it('withoutSourceMap drops only a trailing map comment', () => {
    expect(withoutSourceMap('a{}\n/*# sourceMappingURL=x.css.map*/')).toBe('a{}\n');
    expect(withoutSourceMap('var a;\n//# sourceMappingURL=x.js.map\n')).toBe('var a;\n');
    const early = `// sourceMappingURL= in a comment\n${'x'.repeat(500)}`;
    expect(withoutSourceMap(early)).toBe(early);
  });
});
