import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import { sql } from 'drizzle-orm';
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

const HealthSchema = z.object({ status: z.string().openapi({ example: '200 OK' }) }).openapi('Health');

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
    }
    return c.json({ status: '200 OK' }, 200);
  });
}
