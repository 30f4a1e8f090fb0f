import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import { mediaExists } from '../../db/reports.js';
import { peaksFor } from '../../db/waveforms.js';
import { ApiError } from '../../errors.js';
import type { AppEnv } from '../../types.js';
import { ERRORS, IdParamSchema, searchQuerySchemaOf } from './schema.js';

const WaveformSchema = z
  .object({ len: z.number().int(), points: z.array(z.number().min(0).max(1)) })
  .openapi('Waveform', { example: { len: 4, points: [0.1, 1, 0.53125, 0.2] } });

/** `GET /v1/audio/{id}/waveform/` (§7.7): stored peaks, computed by `npm run waveforms`. */
export function registerWaveform(app: OpenAPIHono<AppEnv>) {
  const route = createRoute({
    method: 'get',
    path: '/audio/{identifier}/waveform/',
    operationId: 'audio_waveform',
    tags: ['audio'],
    summary: 'Waveform peaks of an audio track',
    request: { params: IdParamSchema, query: searchQuerySchemaOf('audio') },
    responses: {
      200: { description: 'Up to 1000 peaks in [0, 1].', content: { 'application/json': { schema: WaveformSchema } } },
      400: ERRORS.invalidParameter,
      401: ERRORS.pageSizeNeedsKey,
      404: ERRORS.notFound('No such track, or no waveform computed yet.'),
    },
  });
  app.openapi(route, async (c) => {
    const { identifier } = c.req.valid('param');
    const db = c.get('db')();
    const points = (await peaksFor(db, [identifier])).get(identifier);
    if (!points) {
      if (!(await mediaExists(db, 'audio', identifier))) throw ApiError.notFound();
      throw ApiError.notFound('No waveform has been computed for this track yet.');
    }
    c.header('Cache-Control', 'public, max-age=86400');
    return c.json({ len: points.length, points }, 200);
  });
}
