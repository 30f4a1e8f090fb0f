/**
 * Where the docs page's vendor files live: Swagger UI, served as Workers static assets
 * (wrangler.toml `[assets]`), not from the Worker's bundle. One home for the paths, read
 * by the page (worker/routes/docs.ts) and by the script that writes the asset directory
 * (scripts/build-assets.ts).
 *
 * The folder is named by the package version (npm versions are immutable), so the files
 * are cached for a year and a new version is a new URL.
 */
import swaggerUiPackage from 'swagger-ui-dist/package.json' with { type: 'json' };

/** Everything the docs page loads lives under this path. */
export const DOCS_ASSET_ROOT = '/v1/docs/';

/** The versioned folder of Swagger UI's files, as a URL path. */
export const SWAGGER_UI_ROOT = `${DOCS_ASSET_ROOT}swagger-ui-${swaggerUiPackage.version}/`;

/** The files copied from `swagger-ui-dist`: the bundle, its stylesheet and the bundle's licence notice. */
export const SWAGGER_UI_FILES = ['swagger-ui-bundle.js', 'swagger-ui.css', 'swagger-ui-bundle.js.LICENSE.txt'] as const;

export const ASSET_CACHE_CONTROL = 'public, max-age=31536000, immutable';
