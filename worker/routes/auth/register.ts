import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import { nameTaken, registerApplication } from '../../db/api-keys.js';
import { ApiError } from '../../errors.js';
import { sendVerificationMail } from '../../auth/mailer.js';
import { sha256Hex } from '../../auth/secrets.js';
import { limit } from '../../ratelimit/middleware.js';
import { mailRecipientBudget } from '../../ratelimit/rules.js';
import type { AppEnv } from '../../types.js';
import { baseUrlOf } from '../media/request.js';
import { readFields } from '../body.js';

const required = { error: 'This field is required.' };

export const RegistrationSchema = z
  .object({
    name: z.string(required).trim().min(1, 'This field may not be blank.').max(150, 'Ensure this field has no more than 150 characters.'),
    description: z
      .string(required)
      .trim()
      .min(1, 'This field may not be blank.')
      .max(10_000, 'Ensure this field has no more than 10000 characters.'),
    email: z.string(required).trim().max(254, 'Ensure this field has no more than 254 characters.').email('Enter a valid email address.'),
  })
  .openapi('Registration', {
    example: { name: 'My amazing project', description: 'Search for openly licensed images in our CMS.', email: 'dev@example.org' },
  });

const RegisteredSchema = z
  .object({
    client_id: z.string(),
    client_secret: z.string().openapi({ description: 'Shown once; store it now.' }),
    name: z.string(),
    msg: z.string(),
  })
  .openapi('Registered');

/** `POST /v1/auth_tokens/register/` (§8.1). Errors are not wrapped in `detail`. */
export function registerRegistration(app: OpenAPIHono<AppEnv>) {
  const route = createRoute({
    method: 'post',
    path: '/auth_tokens/register/',
    operationId: 'register_api_oauth2',
    tags: ['auth'],
    summary: 'Register for an API key',
    description:
      'Creates OAuth2 client credentials. The secret is shown once; a verification link is mailed. Keys work at once; verified keys get key rate limits.',
    request: {
      body: {
        required: true,
        content: {
          'application/json': { schema: RegistrationSchema },
          'application/x-www-form-urlencoded': { schema: RegistrationSchema },
        },
      },
    },
    responses: {
      201: { description: 'Registered.', content: { 'application/json': { schema: RegisteredSchema } } },
      400: {
        description: 'A field is invalid: `{"<field>": ["message"]}` (not wrapped in `detail`).',
        content: { 'application/json': { schema: z.record(z.string(), z.array(z.string())) } },
      },
      413: { description: 'Body over 64 KiB.' },
      415: { description: 'Neither JSON nor form-encoded.' },
      429: {
        description:
          'More than 10 registrations a day from one address or one key, or more than 3 verification mails a day to one recipient.',
      },
    },
  });
  // Documented from the schema, validated in the handler: errors keep the unwrapped
  // shape of §8.1 and JSON and form bodies share one path.
  app.openAPIRegistry.registerPath(route);
  app.post(route.path, async (c) => {
    const fields = await readFields(c, { json: true });
    const parsed = RegistrationSchema.safeParse(fields);
    if (!parsed.success) {
      const errors: Record<string, string[]> = {};
      for (const issue of parsed.error.issues) (errors[String(issue.path[0] ?? 'non_field_errors')] ??= []).push(issue.message);
      throw new ApiError('validation', 'Invalid registration.', undefined, errors);
    }
    // Before any database work: one more verification mail to this recipient?
    const recipient = mailRecipientBudget(await sha256Hex(parsed.data.email.toLowerCase()), c.get('config'));
    if (recipient) await limit(c, [recipient]);
    const db = c.get('db')();
    const taken = { name: ['o auth2 registration with this name already exists.'] };
    if (await nameTaken(db, parsed.data.name)) throw new ApiError('validation', 'Name taken.', undefined, taken);
    const created = await registerApplication(db, parsed.data);
    if (created === 'name_taken') throw new ApiError('validation', 'Name taken.', undefined, taken);
    const link = `${baseUrlOf(c.req.url)}/v1/auth_tokens/verify/${created.code}/`;
    c.executionCtx.waitUntil(sendVerificationMail({ to: parsed.data.email, link, name: parsed.data.name }, c.get('config'), c.get('log')));
    return c.json(
      {
        client_id: created.client_id,
        client_secret: created.client_secret,
        name: parsed.data.name,
        msg: 'Check your email for a verification link.',
      },
      201,
    );
  });
}
