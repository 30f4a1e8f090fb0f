/**
 * The Worker's variables and secrets, checked once per isolate at the entry. The
 * bindings' types (`Env`, global) are generated from wrangler.toml by `npm run types`
 * into worker-configuration.d.ts; this schema checks the values: formats, ranges,
 * defaults, and the optional variables wrangler.toml does not declare.
 */
import { z } from '@hono/zod-openapi';

export const EnvSchema = z
  .object({
    /**
     * The Meilisearch node to search; with MEILI_NETWORK=true, the network's nodes the
     * Worker may coordinate through, comma-separated, tried in order.
     */
    MEILI_URL: z
      .string()
      .transform((v) => v.split(',').map((u) => u.trim()))
      .pipe(z.array(z.string().url()).min(1)),
    /** A search-only key (the Worker never holds the master key); one per MEILI_URL node, or one for all. */
    MEILI_SEARCH_KEY: z
      .string()
      .min(1)
      .transform((v) => v.split(',').map((k) => k.trim())),
    /**
     * `true`: the catalog spans a Meilisearch network (docs/adr/0007): each search is one
     * federated query over the shards of the live generation, which the ingest's switch
     * names (the `search_generation` row, copied to KV).
     */
    MEILI_NETWORK: z.enum(['true', 'false']).default('false'),
    DATABASE_URL: z.string().min(1),
    /**
     * Signs search cursors (issue #18). Unset, a key derived from DATABASE_URL (a secret
     * already) is used; set it to rotate cursors without touching the database.
     */
    CURSOR_SECRET: z.string().min(16).optional(),
    /** Rows each API key may export per UTC day (`/export/`, issue #18); default 1,000,000. */
    EXPORT_ROWS_PER_DAY: z.coerce.number().int().min(0).optional(),
    EXPORT_ROWS_PER_RESPONSE: z.coerce.number().int().min(1).optional(),
    /** Local only: the WebSocket→TCP bridge in front of a plain Postgres. */
    NEON_WS_PROXY: z.string().optional(),
    /** Prefix of the served index names (tests give each suite its own). */
    INDEX_PREFIX: z.string().optional(),
    /** Meilisearch request timeout in ms. */
    MEILI_TIMEOUT_MS: z.coerce.number().int().positive().optional(),
    ENVIRONMENT: z.string().optional(),
    /**
     * Lowest level logged. Production logs every request (`info`); the local stack runs
     * at `warn` because wrangler dev at its log level drops info lines anyway, after each
     * had cost milliseconds of CPU on their way to it (bench/RESULTS.md).
     */
    LOG_LEVEL: z.enum(['info', 'warn', 'error']).default('info'),
    /** The ingest task service the Cron Trigger dispatches to, and its shared secret. */
    INGEST_URL: z.string().url().optional(),
    INGEST_SECRET: z.string().min(16).optional(),
    /** Where verification mails are posted; unset locally (mails are logged). */
    MAIL_WEBHOOK_URL: z.string().url().optional(),
    /** Access-token lifetime in seconds (Openverse: 12 h). */
    ACCESS_TOKEN_EXPIRE_SECONDS: z.coerce.number().int().positive().default(43_200),
    THROTTLE_ANON_BURST: z.string().optional(),
    THROTTLE_ANON_SUSTAINED: z.string().optional(),
    THROTTLE_ANON_THUMBS: z.string().optional(),
    THROTTLE_OAUTH2_THUMBS: z.string().optional(),
    THROTTLE_STANDARD_BURST: z.string().optional(),
    THROTTLE_STANDARD_SUSTAINED: z.string().optional(),
    THROTTLE_ENHANCED_BURST: z.string().optional(),
    THROTTLE_ENHANCED_SUSTAINED: z.string().optional(),
    THROTTLE_AUDIO_MEDIA: z.string().optional(),
    THROTTLE_RATE_LIMIT: z.string().optional(),
    THROTTLE_REGISTER: z.string().optional(),
    THROTTLE_TOKEN: z.string().optional(),
    THROTTLE_TOKEN_LOOKUP: z.string().optional(),
    THROTTLE_MAIL_RECIPIENT: z.string().optional(),
    THROTTLE_FAIL_CLOSED: z.string().optional(),
    THROTTLE_ALLOWLIST: z.string().optional(),
    /**
     * How long (ms) an isolate may spend a lease of several requests taken from a client's
     * rate-limit object at once; 0 asks the object on every request. Default 1000.
     */
    THROTTLE_LEASE_MS: z.coerce.number().int().min(0).max(10_000).optional(),
    /** How long a cached search answer is fresh (seconds); stale copies serve outages. */
    CACHE_FRESH_SECONDS: z.coerce.number().int().min(0).optional(),
    /** Local and test only: let the thumbnail proxy fetch loopback/private addresses. */
    ALLOW_PRIVATE_MEDIA: z.enum(['true', 'false']).optional(),
    /**
     * A Photon-compatible image resizer (§7.6: `<endpoint><host[:port]><path>?w=&quality=&q=`)
     * that thumbnails go through, as Openverse's do; unset, Cloudflare's image resizing does
     * it in production and nothing does elsewhere. The local stack sets the media server's.
     */
    PHOTON_ENDPOINT: z.string().url().optional(),
    /** Dead-link filtering: time budget (ms) of the one round of HEAD checks a search may make. */
    LINK_CHECK_BUDGET_MS: z.coerce.number().int().positive().optional(),
    /** HEAD requests in flight at once (searches and the background checker). */
    LINK_CHECK_CONCURRENCY: z.coerce.number().int().positive().optional(),
    /** HEAD requests one search may make; further unrecorded URLs count as live. */
    LINK_CHECK_MAX_PER_REQUEST: z.coerce.number().int().min(0).optional(),
    /** HEAD requests one run of the background link checker may make. */
    LINK_PREWARM_MAX_CHECKS: z.coerce.number().int().min(0).optional(),
  })
  .superRefine((env, ctx) => {
    if (env.MEILI_SEARCH_KEY.length !== 1 && env.MEILI_SEARCH_KEY.length !== env.MEILI_URL.length) {
      ctx.addIssue({
        code: 'custom',
        path: ['MEILI_SEARCH_KEY'],
        message: `give one key, or one per MEILI_URL node (${env.MEILI_URL.length})`,
      });
    }
    if (env.MEILI_NETWORK === 'false' && env.MEILI_URL.length > 1) {
      ctx.addIssue({ code: 'custom', path: ['MEILI_URL'], message: 'several nodes need MEILI_NETWORK=true' });
    }
  });

/** The checked configuration (`c.var.config`). */
export type Config = z.infer<typeof EnvSchema>;

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Validates the environment; the message names each missing or malformed variable. */
export function checkEnv(env: unknown): Config {
  const parsed = EnvSchema.safeParse(env);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
  throw new ConfigError(`Worker configuration invalid (${problems}); set them in wrangler.toml [vars] or with \`wrangler secret put\``);
}
