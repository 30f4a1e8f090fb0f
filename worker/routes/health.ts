import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import { sql } from 'drizzle-orm';
import { liveIndexName } from '../../model/search-index.js';
import { ApiError } from '../errors.js';
import type { AppEnv } from '../types.js';
import { MAX_PARAM_LENGTH, tooLongMessage } from './media/params.js';

/**
 * A dependency's health is checked at most once per this many ms per isolate, whatever
 * the traffic: concurrent and following checks share the answer, so no client can turn
 * health checks into database or engine load.
 */
export const HEALTH_MEMO_MS = 5_000;

type Probe = { until: number; healthy: Promise<boolean> };
/** Per configuration (bindings object: one per isolate in production), per dependency. */
const probes = new WeakMap<object, Map<'database' | 'engine', Probe>>();

function probe(config: object, dependency: 'database' | 'engine', check: () => Promise<boolean>): Promise<boolean> {
  let byDependency = probes.get(config);
  if (!byDependency) probes.set(config, (byDependency = new Map()));
  const now = Date.now();
  const last = byDependency.get(dependency);
  if (last && last.until > now) return last.healthy;
  const healthy = check();
  byDependency.set(dependency, { until: now + HEALTH_MEMO_MS, healthy });
  return healthy;
}

const shardProbes = new WeakMap<object, { until: number; shards: Promise<Record<string, boolean> | null> }>();

/** The shards' health, memoised like the other probes (null: the network did not answer). */
function shardProbe(config: object, check: () => Promise<Record<string, boolean>>): Promise<Record<string, boolean> | null> {
  const now = Date.now();
  const last = shardProbes.get(config);
  if (last && last.until > now) return last.shards;
  const shards = check().catch(() => null);
  shardProbes.set(config, { until: now + HEALTH_MEMO_MS, shards });
  return shards;
}

const HealthSchema = z
  .object({
    status: z.string().openapi({ example: '200 OK' }),
    shards: z
      .record(z.string(), z.enum(['ok', 'down']))
      .optional()
      .openapi({
        description: 'With `check_es` on a sharded catalog: each shard of the live image generation (named by its first node).',
        example: { s0: 'ok', s1: 'ok', s2: 'down' },
      }),
  })
  .openapi('Health');

/** `GET /healthcheck/`: the database always, the search engine with `check_es`. */
export function registerHealthcheck(app: OpenAPIHono<AppEnv>) {
  const route = createRoute({
    method: 'get',
    path: '/healthcheck/',
    operationId: 'healthcheck',
    tags: ['health'],
    summary: 'Liveness of the API and its dependencies',
    request: {
      query: z.object({
        check_es: z
          .string()
          .max(MAX_PARAM_LENGTH, tooLongMessage(MAX_PARAM_LENGTH))
          .optional()
          .openapi({ description: 'Present (any value): also check the search engine.' }),
      }),
    },
    responses: {
      200: { description: 'Healthy.', content: { 'application/json': { schema: HealthSchema } } },
      503: { description: 'A dependency is down.', content: { 'application/json': { schema: z.object({ detail: z.string() }) } } },
    },
  });
  app.openapi(route, async (c) => {
    const config = c.get('config');
    const db = c.get('db');
    const log = c.get('log');
    const databaseUp = await probe(config, 'database', () =>
      db()
        .execute(sql`select 1`)
        .then(
          () => true,
          (err: Error) => {
            log.error('healthcheck: database unreachable', { error: err.message });
            return false;
          },
        ),
    );
    if (!databaseUp) throw new ApiError('database_unavailable', 'database_unavailable');
    if (c.req.query('check_es') !== undefined) {
      const engine = c.get('engine');
      const engineUp = await probe(config, 'engine', () => engine.healthy());
      if (!engineUp) throw new ApiError('search_unavailable', 'es_timed_out');
      if (engine.shardHealth) {
        const served = liveIndexName('image', config.INDEX_PREFIX);
        const shards = await shardProbe(config, () => engine.shardHealth!(served));
        if (!shards) throw new ApiError('search_unavailable', 'es_timed_out');
        const report = Object.fromEntries(Object.entries(shards).map(([name, up]) => [name, up ? ('ok' as const) : ('down' as const)]));
        // As search: answers while at least half the shards do.
        const down = Object.values(shards).filter((up) => !up).length;
        if (down * 2 > Object.keys(shards).length) throw new ApiError('search_unavailable', 'es_timed_out');
        return c.json({ status: '200 OK', ...(Object.keys(report).length ? { shards: report } : {}) }, 200);
      }
    }
    return c.json({ status: '200 OK' }, 200);
  });
}
