/**
 * Writes the Worker's static assets (wrangler.toml `[assets]`) to build/assets/:
 *
 * - the search page at `/` (web/): `index.html`, and its script and stylesheet bundled
 *   and minified by esbuild under `/static/`, named by a hash of their content;
 * - Swagger UI's files for the docs page at `/v1/`;
 * - a `_headers` file: the page's strict CSP and a short cache for `index.html`, a year's
 *   cache for the hashed and versioned files, `nosniff` everywhere.
 *
 * Generated, never committed. Run by wrangler before `wrangler dev` and `wrangler deploy`
 * (wrangler.toml `[build]`; wrangler names the command in `WRANGLER_COMMAND`, and only
 * `dev` lets the page play the demo media server's audio, see `pageCsp`), and by
 * vitest.config.ts before the Worker tests. Idempotent and safe to run concurrently (test
 * files start several `wrangler dev` at once, each running this): every file is replaced
 * atomically and files that are no longer built are removed afterwards, so a server
 * reading the folder never finds it empty or half written.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, rmdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { buildSync } from 'esbuild';
import { ASSET_CACHE_CONTROL, DOCS_ASSET_ROOT, SWAGGER_UI_FILES, SWAGGER_UI_ROOT } from '../worker/routes/docs-assets.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const ASSETS_DIR = path.join(ROOT, 'build', 'assets');
const WEB_DIR = path.join(ROOT, 'web');

/** Where the page's hashed script and stylesheet are served from. */
export const PAGE_STATIC_ROOT = '/static/';
/**
 * `index.html` is stored but revalidated on every load (a 304 while unchanged), so a
 * deploy's new script and stylesheet names are seen at once; they are immutable.
 */
export const PAGE_CACHE_CONTROL = 'no-cache';
/** The page's script and CSS, gzipped, must stay under this (the issue's budget). */
export const PAGE_BUDGET_GZIP_BYTES = 100 * 1024;

/**
 * Audio origins `wrangler dev` adds to the page's `media-src`: the local stack's demo
 * media server (scripts/stack/media-server.ts) listens on loopback, on a port chosen at
 * start. Deploys do not get them.
 */
export const DEV_MEDIA_SOURCES = ['http://127.0.0.1:*', 'http://localhost:*'] as const;

/**
 * Where the page may play audio from: its `media-src`, which the build also writes into
 * index.html (`<meta name="edgeverse:media-src">`, read by web/media-policy.ts) so the page
 * offers a player only for tracks the browser will load.
 */
export function pageMediaSources(opts: { dev?: boolean } = {}): string[] {
  return ["'self'", ...(opts.dev ? DEV_MEDIA_SOURCES : [])];
}

/**
 * The search page's Content-Security-Policy: everything from this origin only (thumbnails
 * come through the API's `/thumb/` proxy, waveforms are drawn from the API's peaks), no
 * inline script or style, no framing, and Trusted Types required, so no HTML string can
 * reach a DOM sink (the page builds its DOM with `createElement`). `data:` images are the
 * empty favicon.
 *
 * Audio plays from the work's `url`, which is on the provider's host: with `media-src
 * 'self'` a deployed page cannot play a catalog track (it says so and links to the
 * source); `wrangler dev` adds the loopback demo media server (`DEV_MEDIA_SOURCES`).
 */
export function pageCsp(opts: { dev?: boolean } = {}): string {
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    `media-src ${pageMediaSources(opts).join(' ')}`,
    "connect-src 'self'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    "require-trusted-types-for 'script'",
    "trusted-types 'none'",
  ].join('; ');
}

/** Drops a trailing `sourceMappingURL` comment: the maps are not shipped, and a browser would ask for them. */
export function withoutSourceMap(text: string): string {
  const at = text.lastIndexOf('sourceMappingURL=');
  if (at < 0 || text.length - at > 200) return text;
  const start = text.lastIndexOf('\n', at);
  return start < 0 ? text : text.slice(0, start + 1);
}

export interface PageBuild {
  /** URL paths of the page's hashed files. */
  script: string;
  style: string;
  /** Their sizes in bytes, as served and gzipped (level 9). */
  bytes: { script: number; style: number; scriptGzip: number; styleGzip: number; gzipTotal: number };
  /** Files to write, by path relative to the assets folder. */
  files: Map<string, string | Uint8Array>;
}

/**
 * Bundles the page: web/main.ts (with the typed client and the shared model modules it
 * imports) and web/styles.css, minified, for the browsers of the last few years (ES2022).
 */
export function buildPage(opts: { dev?: boolean } = {}): PageBuild {
  const result = buildSync({
    entryPoints: [
      { in: path.join(WEB_DIR, 'main.ts'), out: 'page' },
      { in: path.join(WEB_DIR, 'styles.css'), out: 'page' },
    ],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: ['es2022', 'chrome100', 'firefox100', 'safari16'],
    minify: true,
    write: false,
    outdir: path.join(ROOT, 'build', 'page-out'),
    entryNames: '[name]-[hash]',
    tsconfig: path.join(ROOT, 'tsconfig.web.json'),
    legalComments: 'none',
    logLevel: 'silent',
  });
  const files = new Map<string, string | Uint8Array>();
  let script = '';
  let style = '';
  const bytes = { script: 0, style: 0, scriptGzip: 0, styleGzip: 0, gzipTotal: 0 };
  for (const out of result.outputFiles) {
    const name = path.basename(out.path);
    const urlPath = `${PAGE_STATIC_ROOT}${name}`;
    const gz = gzipSync(out.contents, { level: 9 }).length;
    if (name.endsWith('.js')) {
      script = urlPath;
      bytes.script = out.contents.length;
      bytes.scriptGzip = gz;
    } else if (name.endsWith('.css')) {
      style = urlPath;
      bytes.style = out.contents.length;
      bytes.styleGzip = gz;
    } else {
      throw new Error(`build-assets: unexpected page output ${name}`);
    }
    files.set(urlPath.slice(1), out.contents);
  }
  if (!script || !style) throw new Error('build-assets: the page bundle lacks its script or stylesheet');
  bytes.gzipTotal = bytes.scriptGzip + bytes.styleGzip;

  const template = readFileSync(path.join(WEB_DIR, 'index.html'), 'utf8');
  const slots: Record<string, string> = { '%STYLE%': style, '%SCRIPT%': script, '%MEDIA_SRC%': pageMediaSources(opts).join(' ') };
  let html = template;
  for (const [slot, value] of Object.entries(slots)) {
    if (html.split(slot).length !== 2) throw new Error(`build-assets: web/index.html must hold ${slot} exactly once`);
    html = html.replace(
      slot,
      value.replace(/[&"<>]/g, (ch) => `&#${ch.charCodeAt(0)};`),
    );
  }
  files.set('index.html', html);
  return { script, style, bytes, files };
}

/** The `_headers` file (Workers static assets read it and do not serve it). */
export function headersFile(opts: { dev?: boolean } = {}): string {
  const pageHeaders = [
    `Content-Security-Policy: ${pageCsp(opts)}`,
    `Cache-Control: ${PAGE_CACHE_CONTROL}`,
    'X-Content-Type-Options: nosniff',
    'Referrer-Policy: no-referrer',
    'Cross-Origin-Opener-Policy: same-origin',
  ];
  const immutable = [`Cache-Control: ${ASSET_CACHE_CONTROL}`, 'X-Content-Type-Options: nosniff'];
  const rule = (pattern: string, headers: string[]) => `${pattern}\n${headers.map((h) => `  ${h}\n`).join('')}`;
  // The docs page itself is the Worker's (worker/routes/docs.ts), with its own CSP.
  return [
    '# Generated by scripts/build-assets.ts.\n',
    rule('/', pageHeaders),
    rule(`${PAGE_STATIC_ROOT}*`, immutable),
    rule(`${DOCS_ASSET_ROOT}*`, immutable),
  ].join('');
}

/**
 * Puts exactly `files` in `dir`: each written to a temporary folder beside it and renamed
 * into place (atomic), then whatever else `dir` holds is removed.
 */
function syncFolder(dir: string, files: Map<string, string | Uint8Array>): void {
  mkdirSync(dir, { recursive: true });
  const staging = mkdtempSync(path.join(path.dirname(dir), `.${path.basename(dir)}-`));
  try {
    for (const [rel, content] of files) {
      const staged = path.join(staging, rel.replaceAll('/', '__'));
      writeFileSync(staged, content);
      const target = path.join(dir, ...rel.split('/'));
      mkdirSync(path.dirname(target), { recursive: true });
      renameSync(staged, target);
    }
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
  const keep = new Set([...files.keys()].map((rel) => path.join(dir, ...rel.split('/'))));
  const prune = (folder: string): boolean => {
    let empty = true;
    for (const entry of readdirSync(folder, { withFileTypes: true })) {
      const full = path.join(folder, entry.name);
      if (entry.isDirectory()) {
        if (!prune(full)) empty = false;
        else {
          try {
            rmdirSync(full);
          } catch {
            empty = false; // another build just wrote into it
          }
        }
      } else if (keep.has(full)) empty = false;
      else rmSync(full, { force: true });
    }
    return empty;
  };
  prune(dir);
}

/**
 * Builds the asset folder; returns the files written, their total size and the page's
 * bundle. `dev` (set when `wrangler dev` runs the build) widens the page's `media-src` to
 * the local demo media server.
 */
export function buildAssets(dir = ASSETS_DIR, opts: { dev?: boolean } = {}): { files: number; bytes: number; page: PageBuild } {
  const require = createRequire(import.meta.url);
  const pkgDir = path.dirname(require.resolve('swagger-ui-dist/package.json'));
  const files = new Map<string, string | Uint8Array>();
  for (const file of SWAGGER_UI_FILES) {
    files.set(`${SWAGGER_UI_ROOT.slice(1)}${file}`, withoutSourceMap(readFileSync(path.join(pkgDir, file), 'utf8')));
  }
  const page = buildPage(opts);
  for (const [rel, content] of page.files) files.set(rel, content);
  files.set('_headers', headersFile(opts));
  syncFolder(dir, files);
  let bytes = 0;
  for (const content of files.values()) bytes += typeof content === 'string' ? Buffer.byteLength(content) : content.length;
  return { files: files.size, bytes, page };
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const dev = process.env.WRANGLER_COMMAND === 'dev';
  const { files, bytes, page } = buildAssets(ASSETS_DIR, { dev });
  const kib = (n: number) => `${(n / 1024).toFixed(1)} KiB`;
  console.log(
    `build-assets: ${files} files, ${kib(bytes)} in ${path.relative(process.cwd(), ASSETS_DIR) || ASSETS_DIR}${dev ? ' (dev: demo media allowed)' : ''}; ` +
      `page script ${kib(page.bytes.script)} (${kib(page.bytes.scriptGzip)} gzip), css ${kib(page.bytes.style)} (${kib(page.bytes.styleGzip)} gzip)`,
  );
}
