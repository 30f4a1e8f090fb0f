import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import { MEDIA_PATH, type MediaType } from '../../../model/record.js';
import { fileReport, mediaExists, REPORT_REASONS } from '../../db/reports.js';
import { ApiError } from '../../errors.js';
import type { AppEnv } from '../../types.js';
import { readFields } from '../body.js';
import { ERRORS, errorResponse, IdParamSchema } from './schema.js';

const MIN_OTHER_DESCRIPTION = 20;

export const ReportSchema = z
  .object({
    reason: z.enum(REPORT_REASONS, {
      error: (issue) => (issue.input === undefined ? 'This field is required.' : `"${String(issue.input)}" is not a valid choice.`),
    }),
    description: z.string().max(500, 'Ensure this field has no more than 500 characters.').nullable().optional(),
  })
  .openapi('Report', { example: { reason: 'mature', description: 'This image shows nudity.' } });

const ReportCreatedSchema = z
  .object({ identifier: z.string(), reason: z.enum(REPORT_REASONS), description: z.string().nullable() })
  .openapi('ReportCreated');

/** `POST /v1/{images|audio}/{id}/report/` (§7.5): a user reports a work to moderators. */
export function registerReport(app: OpenAPIHono<AppEnv>, mediaType: MediaType) {
  const plural = MEDIA_PATH[mediaType];
  const route = createRoute({
    method: 'post',
    path: `/${plural}/{identifier}/report/`,
    operationId: `${mediaType}_report`,
    tags: [plural],
    summary: `Report ${mediaType === 'image' ? 'an image' : 'an audio track'}`,
    description: '`reason` is `mature`, `dmca` or `other`; `other` needs a description of at least 20 characters.',
    request: {
      params: IdParamSchema,
      body: {
        required: true,
        content: { 'application/json': { schema: ReportSchema }, 'application/x-www-form-urlencoded': { schema: ReportSchema } },
      },
    },
    responses: {
      201: { description: 'Filed.', content: { 'application/json': { schema: ReportCreatedSchema } } },
      400: errorResponse('Invalid report; `detail` names the field.', { detail: { reason: ['"spam" is not a valid choice.'] } }),
      404: ERRORS.notFound('No such work.'),
    },
  });
  app.openAPIRegistry.registerPath(route);
  // Body validated here, not by the route's schema: JSON and form share one path and
  // errors keep the `{"detail": {...}}` shape.
  app.post(route.path.replace('{identifier}', ':identifier'), async (c) => {
    const identifier = c.req.param('identifier') ?? '';
    if (!IdParamSchema.shape.identifier.safeParse(identifier).success) throw ApiError.notFound();
    const fields = await readFields(c, { json: true });
    const parsed = ReportSchema.safeParse(fields);
    if (!parsed.success) {
      const errors: Record<string, string[]> = {};
      for (const issue of parsed.error.issues) (errors[String(issue.path[0] ?? 'non_field_errors')] ??= []).push(issue.message);
      throw ApiError.validation(errors);
    }
    const description = parsed.data.description?.trim() || null;
    if (parsed.data.reason === 'other' && (description?.length ?? 0) < MIN_OTHER_DESCRIPTION) {
      // Wording (and missing period) as in the original.
      throw ApiError.validation({ non_field_errors: ['Description must be at least be 20 characters long'] });
    }
    const db = c.get('db')();
    if (!(await mediaExists(db, mediaType, identifier))) throw ApiError.notFound();
    await fileReport(db, { media_type: mediaType, identifier, reason: parsed.data.reason, description });
    return c.json({ identifier, reason: parsed.data.reason, description }, 201);
  });
}
