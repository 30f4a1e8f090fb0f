import type { OpenAPIHono } from '@hono/zod-openapi';
import { ApiError } from '../../errors.js';
import type { AppEnv } from '../../types.js';

/**
 * `GET /v1/images/{id}/watermark/` (§7.8): disabled in Openverse by default and here;
 * kept so clients get the documented 404 rather than an unknown-route one. Hidden from
 * the OpenAPI document, as in the original.
 */
export function registerWatermark(app: OpenAPIHono<AppEnv>) {
  app.get('/images/:identifier/watermark/', () => {
    throw ApiError.notFound('The watermark feature is currently disabled.');
  });
}
