/**
 * API keys (§8): registration, email verification, the token endpoint, key info.
 */
import { OpenAPIHono } from '@hono/zod-openapi';
import type { AppEnv } from '../../types.js';
import { validationHook } from '../../validation.js';
import { registerRateLimit } from './rate-limit.js';
import { registerRegistration } from './register.js';
import { registerToken } from './token.js';
import { registerVerify } from './verify.js';

export function createAuthApp() {
  const app = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });
  registerRegistration(app);
  registerToken(app);
  registerVerify(app);
  registerRateLimit(app);
  return app;
}
