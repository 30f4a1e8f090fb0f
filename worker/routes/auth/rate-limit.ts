import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import { ApiError } from '../../errors.js';
import { leases } from '../../ratelimit/middleware.js';
import { budgetsFor } from '../../ratelimit/rules.js';
import type { AppEnv } from '../../types.js';

const KeyInfoSchema = z
  .object({
    requests_this_minute: z.number().int().nullable(),
    requests_today: z.number().int().nullable(),
    rate_limit_model: z.enum(['standard', 'enhanced', 'exempt']),
    verified: z.boolean(),
  })
  .openapi('KeyInfo');

/** `GET /v1/rate_limit/` (§8.4): the caller's key and how much of it is used. */
export function registerRateLimit(app: OpenAPIHono<AppEnv>) {
  const route = createRoute({
    method: 'get',
    path: '/rate_limit/',
    operationId: 'key_info',
    tags: ['auth'],
    summary: 'Your API key and its usage',
    security: [{ bearer: [] }],
    responses: {
      200: { description: 'Key information.', content: { 'application/json': { schema: KeyInfoSchema } } },
      403: {
        description: 'No valid token: the body is the JSON string `"Forbidden"`.',
        content: { 'application/json': { schema: z.literal('Forbidden') } },
      },
    },
  });
  app.openapi(route, async (c) => {
    const application = c.get('caller').application;
    if (!application) throw new ApiError('forbidden', 'Forbidden', undefined, 'Forbidden');
    let burst: number | null = null;
    let sustained: number | null = null;
    const namespace = c.env.RATE_LIMITER;
    const budget = budgetsFor({ ...c.get('caller'), application: { ...application, verified: true } }, 'default', c.get('config'))[0];
    if (namespace && budget && application.rate_limit_model !== 'exempt') {
      const [burstRule, sustainedRule] = budget.rules;
      // The limiter down (and failing open): the key's usage is unknown, not an error.
      const usage: Record<string, number | null> = await namespace
        .get(namespace.idFromName(budget.identity))
        .usage(budget.rules.map((r) => ({ scope: r.scope, windowMs: r.windowMs })))
        .catch((err: Error) => {
          c.get('log').warn('rate limiter usage unavailable', { error: err.message });
          return {};
        });
      // The object counts a lease in full when granted; what this isolate holds unspent
      // has not been used (other isolates' unspent leases are given back within a second).
      const used = (scope: string) => {
        const n = (usage[scope] ?? 0) - leases.unspent(budget.identity, scope);
        return n > 0 ? n : null;
      };
      burst = burstRule ? used(burstRule.scope) : null;
      sustained = sustainedRule ? used(sustainedRule.scope) : null;
    }
    return c.json(
      {
        requests_this_minute: burst,
        requests_today: sustained,
        rate_limit_model: application.rate_limit_model,
        verified: application.verified,
      },
      200,
    );
  });
}
