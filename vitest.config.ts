/**
 * Two projects share one global setup (real Meilisearch + Postgres, started once):
 * `node` for the ingest, the document model and the stack scripts; `workers` runs the
 * Worker inside workerd (@cloudflare/vitest-plugin) against those services.
 */
import { cloudflareTest } from '@cloudflare/vitest-plugin';
import { defineConfig } from 'vitest/config';
import { buildAssets } from './scripts/build-assets.js';
import { testServiceVars } from './test/worker-vars.js';

// wrangler.toml's [assets] folder must exist before the Worker's tests read that file
// (wrangler dev and deploy build it themselves through [build]). It also bundles the
// search page, so a page that does not build fails here, before any test runs.
buildAssets();

export default defineConfig({
  test: {
    globalSetup: ['./test/global-setup.ts'],
    testTimeout: 60_000,
    // The Worker logs a JSON line per request: shown for failing tests only (a passing
    // run printed 40,000 lines).
    silent: 'passed-only',
    hookTimeout: 180_000,
    projects: [
      {
        extends: true,
        test: {
          name: 'node',
          environment: 'node',
          include: [
            'model/**/*.test.ts',
            'ingest/**/*.test.ts',
            'scripts/**/*.test.ts',
            'drizzle/**/*.test.ts',
            'test/**/*.test.ts',
            // The search page's pure modules (state, waveform, API outcomes); the page itself runs in test/browser/.
            'web/**/*.test.ts',
          ],
        },
      },
      {
        extends: true,
        plugins: [
          cloudflareTest(({ inject }) => ({
            // wrangler warns of "Missing required secrets" while reading this file: it looks
            // for them before the bindings below, which win, are merged in.
            wrangler: { configPath: './wrangler.toml' },
            miniflare: {
              bindings: {
                ...testServiceVars(inject),
                // Generous anonymous limits for the suite; the rate-limit tests set their own.
                THROTTLE_ANON_BURST: '100000/min',
                THROTTLE_ANON_SUSTAINED: '1000000/day',
                THROTTLE_REGISTER: '100000/day',
                THROTTLE_RATE_LIMIT: '100000/second',
                THROTTLE_TOKEN: '100000/min',
                THROTTLE_TOKEN_LOOKUP: '100000/min',
                THROTTLE_MAIL_RECIPIENT: '100000/day',
                // Every test request waits for its waitUntil work, and a lease settles at
                // its end: the suite asks the limiter each time; the lease tests set their own.
                THROTTLE_LEASE_MS: '0',
                INGEST_SECRET: 'test-ingest-secret-0123456789',
                // A loaded 2-core CI machine can be slow: engine timeouts are tested with
                // dead addresses, not by racing the clock.
                MEILI_TIMEOUT_MS: '10000',
              },
            },
          })),
        ],
        test: {
          name: 'workers',
          include: ['worker/**/*.test.ts'],
        },
      },
    ],
  },
});
