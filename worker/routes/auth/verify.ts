import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import { forgetClient } from '../../auth/token-memo.js';
import { verifyCode } from '../../db/api-keys.js';
import { ApiError } from '../../errors.js';
import type { AppEnv } from '../../types.js';

const MessageSchema = z.object({ msg: z.string() }).openapi('Message');

/** `GET /v1/auth_tokens/verify/{code}/` (§8.3): the link in the verification mail. */
export function registerVerify(app: OpenAPIHono<AppEnv>) {
  const route = createRoute({
    method: 'get',
    path: '/auth_tokens/verify/{code}/',
    operationId: 'verify_email',
    tags: ['auth'],
    summary: 'Verify the email of an API key',
    request: {
      params: z.object({
        code: z
          .string()
          .min(1)
          .max(256)
          .openapi({ param: { name: 'code', in: 'path' }, description: 'The code from the verification mail.' }),
      }),
    },
    responses: {
      200: { description: 'Verified.', content: { 'application/json': { schema: MessageSchema } } },
      404: { description: 'Unknown or already used code.', content: { 'application/json': { schema: MessageSchema } } },
    },
  });
  app.openapi(route, async (c) => {
    const { code } = c.req.valid('param');
    const clientId = await verifyCode(c.get('db')(), code);
    if (!clientId) {
      throw new ApiError('not_found', 'Invalid verification code.', undefined, {
        msg: 'Invalid verification code. Did you validate your credentials already?',
      });
    }
    forgetClient(clientId);
    return c.json({ msg: 'Successfully verified email. Your OAuth2 credentials are now active.' }, 200);
  });
}
