import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import { sql } from 'drizzle-orm';
import { ApiError } from '../errors.js';
import type { AppEnv } from '../types.js';
import { MAX_PARAM_LENGTH, tooLongMessage } from './media/params.js';

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
        check_es: z.string().max(MAX_PARAM_LENGTH, tooLongMessage(MAX_PARAM_LENGTH)).optional().openapi({ description: 'Present (any value): also check the search engine.' }),
      }),
    },
    responses: {
      200: { description: 'Healthy.', content: { 'application/json': { schema: HealthSchema } } },
      503: { description: 'A dependency is down.', content: { 'application/json': { schema: z.object({ detail: z.string() }) } } },
    },
  });
  app.openapi(route, async (c) => {
    try {
      await c.get('db')().execute(sql`select 1`);
    } catch (err) {
      c.get('log').error('healthcheck: database unreachable', { error: (err as Error).message });
      throw new ApiError('database_unavailable', 'database_unavailable');
    }
    if (c.req.query('check_es') !== undefined) {
      const config = c.get('config');
      const ok = await fetch(`${config.MEILI_URL.replace(/\/+$/, '')}/health`, { signal: AbortSignal.timeout(2000) })
        .then((r) => r.ok)
        .catch(() => false);
      if (!ok) throw new ApiError('search_unavailable', 'es_timed_out');
    }
    return c.json({ status: '200 OK' }, 200);
  });
}
