/**
 * The Worker's variables that point it at the test services (test/global-setup.ts):
 * one list for the workerd tests (vitest.config.ts) and the `wrangler dev` ones.
 */
import type { ProvidedContext } from 'vitest';

type Inject = <K extends keyof ProvidedContext>(key: K) => ProvidedContext[K];

export function testServiceVars(inject: Inject) {
  return {
    MEILI_URL: inject('meiliUrl'),
    MEILI_SEARCH_KEY: inject('meiliSearchKey'),
    DATABASE_URL: inject('databaseUrl'),
    NEON_WS_PROXY: inject('bridgeUrl'),
    INDEX_PREFIX: inject('indexPrefix'),
    ENVIRONMENT: 'test',
    // The fixture's media server is on loopback: without this every result is an unsafe
    // URL that dead-link filtering drops.
    ALLOW_PRIVATE_MEDIA: 'true',
  };
}
