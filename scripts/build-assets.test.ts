import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ASSET_CACHE_CONTROL, SWAGGER_UI_FILES, SWAGGER_UI_ROOT } from '../worker/routes/docs-assets.js';
import { buildAssets, withoutSourceMap } from './build-assets.js';

describe('scripts/build-assets.ts', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'edgeverse-assets-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("writes Swagger UI's files where the docs page asks for them, and their headers", () => {
    const { files, bytes } = buildAssets(dir);
    const folder = path.join(dir, ...SWAGGER_UI_ROOT.split('/').filter(Boolean));
    expect(readdirSync(folder).sort()).toEqual([...SWAGGER_UI_FILES].sort());
    expect(files).toBe(SWAGGER_UI_FILES.length + 1);
    expect(bytes).toBeGreaterThan(1_500_000);
    expect(readFileSync(path.join(folder, 'swagger-ui-bundle.js'), 'utf8')).toContain('SwaggerUIBundle');
    const css = readFileSync(path.join(folder, 'swagger-ui.css'), 'utf8');
    expect(css).toContain('.swagger-ui');
    expect(css, 'the map is not shipped, so it is not referenced').not.toContain('sourceMappingURL');

    const headers = readFileSync(path.join(dir, '_headers'), 'utf8').split('\n');
    const at = headers.indexOf('/v1/docs/*');
    expect(at).toBeGreaterThanOrEqual(0);
    expect(headers.slice(at + 1, at + 3)).toEqual([`  Cache-Control: ${ASSET_CACHE_CONTROL}`, '  X-Content-Type-Options: nosniff']);
  });

  it('rebuilds from scratch: a file left from an older version does not survive', () => {
    const stale = path.join(dir, 'v1', 'docs', 'swagger-ui-0.0.1');
    mkdirSync(stale, { recursive: true });
    writeFileSync(path.join(stale, 'old.js'), '');
    buildAssets(dir);
    expect(readdirSync(path.join(dir, 'v1', 'docs'))).toEqual([SWAGGER_UI_ROOT.split('/').filter(Boolean).at(-1)]);
  });

  it('withoutSourceMap drops only a trailing map comment', () => {
    expect(withoutSourceMap('a{}\n/*# sourceMappingURL=x.css.map*/')).toBe('a{}\n');
    expect(withoutSourceMap('var a;\n//# sourceMappingURL=x.js.map\n')).toBe('var a;\n');
    const early = `// sourceMappingURL= in a comment\n${'x'.repeat(500)}`;
    expect(withoutSourceMap(early)).toBe(early);
  });
});
