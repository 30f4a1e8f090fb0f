import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import { checkClientCredentials, issueToken } from '../../db/api-keys.js';
import { ApiError } from '../../errors.js';
import type { AppEnv } from '../../types.js';
import { readFields } from '../body.js';

const TokenRequestSchema = z
  .object({
    grant_type: z.literal('client_credentials'),
    client_id: z.string().optional(),
    client_secret: z.string().optional(),
  })
  .openapi('TokenRequest');

const TokenSchema = z
  .object({
    access_token: z.string(),
    expires_in: z.number().int(),
    token_type: z.literal('Bearer'),
    scope: z.string(),
  })
  .openapi('Token', {
    example: { access_token: 'DLBYIcfnKfolaXKcmMC8RIDCavc2hW', expires_in: 43200, token_type: 'Bearer', scope: 'read write' },
  });

const OAuthErrorSchema = z.object({ error: z.string() }).openapi('OAuthError');

/** RFC 6749 error: `{"error": code}` with the status the RFC gives it. */
function oauthError(code: 'invalid_request' | 'invalid_client' | 'unsupported_grant_type', status: 400 | 401): ApiError {
  return new ApiError(status === 401 ? 'unauthorized_client' : 'validation', code, undefined, { error: code });
}

/** Client credentials from HTTP Basic (preferred by RFC 6749) or the form body. */
function credentials(header: string | undefined, fields: Record<string, unknown>): { id: string; secret: string } | null {
  const basic = /^Basic ([A-Za-z0-9+/=]+)$/.exec(header ?? '');
  if (basic) {
    let decoded: string;
    try {
      decoded = atob(basic[1]);
    } catch {
      return null;
    }
    const colon = decoded.indexOf(':');
    if (colon < 0) return null;
    try {
      return { id: decodeURIComponent(decoded.slice(0, colon)), secret: decodeURIComponent(decoded.slice(colon + 1)) };
    } catch {
      return null; // malformed percent-encoding: treated as bad credentials
    }
  }
  const id = fields.client_id;
  const secret = fields.client_secret;
  return typeof id === 'string' && typeof secret === 'string' && id && secret ? { id, secret } : null;
}

/** `POST /v1/auth_tokens/token/` (§8.2): OAuth2 client-credentials grant. */
export function registerToken(app: OpenAPIHono<AppEnv>) {
  const route = createRoute({
    method: 'post',
    path: '/auth_tokens/token/',
    operationId: 'token',
    tags: ['auth'],
    summary: 'Get an access token',
    description:
      'OAuth2 client-credentials grant; client credentials in the form body or HTTP Basic. Send the token as `Authorization: Bearer <token>`.',
    request: { body: { required: true, content: { 'application/x-www-form-urlencoded': { schema: TokenRequestSchema } } } },
    responses: {
      200: { description: 'A token.', content: { 'application/json': { schema: TokenSchema } } },
      400: { description: '`invalid_request` or `unsupported_grant_type`.', content: { 'application/json': { schema: OAuthErrorSchema } } },
      401: {
        description: '`invalid_client`: unknown client or wrong secret.',
        content: { 'application/json': { schema: OAuthErrorSchema } },
      },
    },
  });
  app.openAPIRegistry.registerPath(route);
  app.post(route.path, async (c) => {
    c.header('Cache-Control', 'no-store');
    c.header('Pragma', 'no-cache');
    let fields: Record<string, unknown>;
    try {
      fields = await readFields(c, { json: false });
    } catch (err) {
      if (err instanceof ApiError && err.code === 'payload_too_large') throw err;
      throw oauthError('invalid_request', 400);
    }
    if (!fields.grant_type) throw oauthError('invalid_request', 400);
    if (fields.grant_type !== 'client_credentials') throw oauthError('unsupported_grant_type', 400);
    const creds = credentials(c.req.header('authorization'), fields);
    if (!creds || creds.id.length > 100 || creds.secret.length > 200) throw oauthError('invalid_client', 401);
    const db = c.get('db')();
    const application = await checkClientCredentials(db, creds.id, creds.secret);
    if (!application) throw oauthError('invalid_client', 401);
    const lifetime = c.get('config').ACCESS_TOKEN_EXPIRE_SECONDS;
    const token = await issueToken(db, application.client_id, lifetime);
    return c.json({ access_token: token, expires_in: lifetime, token_type: 'Bearer' as const, scope: 'read write' }, 200);
  });
}
