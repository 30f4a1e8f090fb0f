/**
 * Interactive API documentation at `GET /v1/`: Swagger UI over the app's own OpenAPI
 * document, every asset served from this origin (no CDN, no fonts, no validator badge), so
 * the page works offline and "Try it out" calls the same Worker (the document's `servers`
 * is the request origin).
 *
 * The page and its small start script are the Worker's; Swagger UI's own files (1.9 MB,
 * most of what the Worker used to upload) are Workers static assets under a versioned
 * path (worker/routes/docs-assets.ts, written by scripts/build-assets.ts), served before
 * the Worker runs. The start script is addressed by a hash of its text; both are cached
 * for a year, the page for five minutes.
 */
import type { OpenAPIHono } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { fnv1a } from '../../model/hash.js';
import type { AppEnv } from '../types.js';
import { ASSET_CACHE_CONTROL, DOCS_ASSET_ROOT, SWAGGER_UI_ROOT } from './docs-assets.js';

export const DOCS_PATH = '/v1/';

const PAGE_CACHE = 'public, max-age=300';

// Swagger UI renders with inline styles and fetches only the document and the API, both
// on this origin; data: images are the icons inside its CSS.
const PAGE_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}

/**
 * Registers `GET /v1/` (the page) and its start script under `/v1/docs/`. The routes are
 * plain Hono routes, so they stay out of the OpenAPI document. `GET /` is the search page,
 * a static asset (web/, built by scripts/build-assets.ts) that never reaches the Worker.
 */
export function registerDocs(app: OpenAPIHono<AppEnv>, opts: { specPath?: string; title?: string } = {}): void {
  const specPath = opts.specPath ?? '/v1/openapi.json';
  const title = opts.title ?? 'Edgeverse API';

  // Swagger UI fills "Try it out" fields with each parameter's example (swagger-ui#5776),
  // which would turn the documented examples of optional parameters (`license=by,cc0`,
  // `source=flickr,wikimedia`, …) into filters of every request. The page moves them into
  // the description, so those fields start empty; defaults and required ones stay.
  const initScript = `'use strict';
(function () {
  var SPEC = ${JSON.stringify(specPath)};
  function describeExamples(doc) {
    Object.keys(doc.paths || {}).forEach(function (path) {
      var item = doc.paths[path];
      Object.keys(item).forEach(function (method) {
        ((item[method] && item[method].parameters) || []).forEach(function (p) {
          if (!p || p.required) return;
          var found = [];
          if (p.example !== undefined) found.push(p.example);
          else if (p.schema && p.schema.example !== undefined) found.push(p.schema.example);
          Object.keys(p.examples || {}).forEach(function (k) {
            if (p.examples[k] && p.examples[k].value !== undefined) found.push(p.examples[k].value);
          });
          delete p.example;
          delete p.examples;
          if (p.schema) delete p.schema.example;
          if (!found.length) return;
          var text = found.map(function (ex) {
            return '\\u0060' + (typeof ex === 'string' ? ex : JSON.stringify(ex)) + '\\u0060';
          }).join(', ');
          p.description = (p.description ? p.description + '\\n\\n' : '') + (found.length > 1 ? 'Examples: ' : 'Example: ') + text;
        });
      });
    });
    return doc;
  }
  window.ui = SwaggerUIBundle({
    url: SPEC,
    dom_id: '#swagger-ui',
    deepLinking: true,
    presets: [SwaggerUIBundle.presets.apis],
    layout: 'BaseLayout',
    validatorUrl: null,
    docExpansion: 'list',
    displayOperationId: true,
    displayRequestDuration: true,
    showExtensions: true,
    showCommonExtensions: true,
    queryConfigEnabled: false,
    responseInterceptor: function (res) {
      if (res && res.ok && typeof res.text === 'string' && res.url && new URL(res.url, location.href).pathname === SPEC) {
        try {
          res.text = JSON.stringify(describeExamples(JSON.parse(res.text)));
        } catch (e) {
          // not JSON: Swagger UI shows its own error
        }
      }
      return res;
    },
  });
})();
`;

  const initPath = `${DOCS_ASSET_ROOT}init-${fnv1a(initScript).toString(16).padStart(8, '0')}.js`;

  const page = `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="${SWAGGER_UI_ROOT}swagger-ui.css">
<style>body { margin: 0; background: #fafafa; } .swagger-ui .information-container { padding-top: 1rem; }</style>
</head>
<body>
<noscript><p>This page needs JavaScript. The API description is at <a href="${specPath}">${specPath}</a>.</p></noscript>
<div id="swagger-ui"></div>
<script src="${SWAGGER_UI_ROOT}swagger-ui-bundle.js"></script>
<script src="${initPath}"></script>
</body>
</html>
`;

  const serve = (c: Context<AppEnv>, body: string, contentType: string, cacheControl: string, extra: Record<string, string> = {}) => {
    c.header('Content-Type', contentType);
    c.header('Cache-Control', cacheControl);
    c.header('X-Content-Type-Options', 'nosniff');
    for (const [k, v] of Object.entries(extra)) c.header(k, v);
    return c.body(body, 200);
  };

  app.get(DOCS_PATH, (c) =>
    serve(c, page, 'text/html; charset=utf-8', PAGE_CACHE, { 'Content-Security-Policy': PAGE_CSP, 'Referrer-Policy': 'no-referrer' }),
  );
  app.get(initPath, (c) => serve(c, initScript, 'text/javascript; charset=utf-8', ASSET_CACHE_CONTROL));
}
