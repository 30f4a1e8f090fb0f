/**
 * `GET /v1/changes/` (issue #18): what changed in a media type's catalog since a token,
 * from the ingest's change log (ids only), oldest first, in pages; each answer ends with
 * the token to send next. A mirror takes a token (no `since`), exports
 * (`/v1/{images,audio}/export/`), then replays from the token: added and updated ids
 * are fetched again (detail or export), removed ids deleted, in order.
 */
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { formatTimestamp, type MediaType } from '../../../model/record.js';
import { FORGED, MALFORMED, SignedTokens } from '../../auth/signed-token.js';
import { changesAfter, headSeq, prunedThrough, type ChangeRow } from '../../db/changes.js';
import { ApiError } from '../../errors.js';
import type { AppEnv } from '../../types.js';
import { validationHook } from '../../validation.js';
import { ERRORS, errorResponse } from '../media/schema.js';
import { intParam, textParam } from '../media/params.js';

export const MAX_CHANGES_PAGE = 10_000;
const OPS = { a: 'added', u: 'updated', r: 'removed' } as const;

const ChangesQuerySchema = z.object({
  media_type: z
    .preprocess((v) => (Array.isArray(v) ? v[v.length - 1] : v), z.enum(['image', 'audio'], { message: 'Must be image or audio.' }))
    .openapi({ type: 'string', enum: ['image', 'audio'], description: 'The media type whose changes to list.', example: 'image' }),
  since: textParam({
    max: 1000,
    description:
      'The `next` token of an earlier answer: list what changed after it. Without it, the answer lists nothing and `next` is the token of now (take it before an export).',
    example: 'eyJ2IjoxLCJtIjoiaW1hZ2UiLCJzIjo0MjF9.c2lnbmF0dXJl',
  }),
  limit: intParam({ min: 1, max: MAX_CHANGES_PAGE, default: 1000, description: `Changes per page, 1 to ${MAX_CHANGES_PAGE}.` }).openapi({
    example: 5000,
  }),
});

const BatchSchema = z
  .object({
    generation: z.number().int().openapi({ description: 'The live generation after the change.' }),
    changed_at: z.string().openapi({ description: 'When the change was committed (ISO 8601, UTC).' }),
    added: z.array(z.string()),
    updated: z.array(z.string()),
    removed: z.array(z.string()),
  })
  .openapi('ChangeBatch');

const ChangesSchema = z
  .object({
    media_type: z.enum(['image', 'audio']),
    changes: z.array(BatchSchema).openapi({
      description:
        'Oldest first, grouped by the action that made them (a refresh, update, rollback or moderation decision): apply in order. A page may end inside an action.',
    }),
    has_more: z.boolean().openapi({ description: 'More changes are waiting: ask again with `since=next` at once.' }),
    next: z.string().openapi({ description: 'Send as `since` for what changes after this answer.' }),
  })
  .openapi('Changes', {
    example: {
      media_type: 'image',
      changes: [
        {
          generation: 8,
          changed_at: '2026-12-07T03:00:12.345Z',
          added: ['4bc43a04-ef46-4544-a0c1-63c63f56e276'],
          updated: [],
          removed: ['0f6a6b3c-1b0e-4e57-9b8f-2d7d1d7a0c11'],
        },
      ],
      has_more: false,
      next: 'eyJ2IjoxLCJtIjoiaW1hZ2UiLCJzIjo0MjJ9.c2lnbmF0dXJl',
    },
  });

type Batch = z.infer<typeof BatchSchema>;

/** Consecutive rows of one action (same generation and commit time) as one batch, ops apart. */
export function batchesOf(rows: ChangeRow[]): Batch[] {
  const batches: Batch[] = [];
  let last: Batch | undefined;
  for (const row of rows) {
    const at = formatTimestamp(row.changed_at);
    if (!last || last.generation !== row.generation || last.changed_at !== at) {
      last = { generation: row.generation, changed_at: at, added: [], updated: [], removed: [] };
      batches.push(last);
    }
    last[OPS[row.op]].push(row.identifier);
  }
  return batches;
}

interface TokenPayload {
  v: 1;
  m: MediaType;
  s: number;
}

const invalidSince = (message: string) => ApiError.validation({ since: [message] });

export function createChangesApp() {
  const app = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });
  const route = createRoute({
    method: 'get',
    path: '/changes/',
    operationId: 'changes',
    tags: ['changes'],
    summary: 'Changes since a token',
    description:
      "Ids of works added, updated or removed since `since`, by every refresh, update, rollback and moderation decision. Kept for the ingest's `CHANGE_RETENTION_DAYS` (default 30): an older token is a 410 (export again). Updates of an audio set alone (not its tracks) are not listed.",
    request: { query: ChangesQuerySchema },
    responses: {
      200: { description: 'A page of changes and the next token.', content: { 'application/json': { schema: ChangesSchema } } },
      400: ERRORS.invalidParameter,
      410: errorResponse('The token is older than the feed keeps: start again from an export.', {
        detail: 'Changes this old are no longer kept: export again and follow the feed from a new token.',
      }),
      503: ERRORS.databaseUnavailable,
    },
  });
  app.openapi(route, async (c) => {
    const { media_type: mediaType, since, limit } = c.req.valid('query');
    const config = c.get('config');
    const tokens = new SignedTokens(config.CURSOR_SECRET ?? config.DATABASE_URL, 'changes v1');
    const db = c.get('db')();
    let seq: number;
    if (since === undefined) seq = await headSeq(db, mediaType);
    else {
      const opened = await tokens.open(since);
      if (opened === MALFORMED) throw invalidSince('Malformed token: send the `next` of an earlier answer as it was.');
      if (opened === FORGED) throw invalidSince('This token was not issued by this API.');
      const payload = opened as TokenPayload;
      if (payload?.v !== 1 || !Number.isSafeInteger(payload.s) || payload.s < 0) throw invalidSince('Malformed token.');
      if (payload.m !== mediaType) throw invalidSince(`This token belongs to the ${payload.m} feed.`);
      seq = payload.s;
      if (seq < (await prunedThrough(db, mediaType))) {
        throw new ApiError('gone', 'Changes this old are no longer kept: export again and follow the feed from a new token.');
      }
    }
    const rows = since === undefined ? [] : await changesAfter(db, mediaType, seq, limit + 1);
    // A prune that committed between the check above and this read took rows the token
    // still needed: the answer would skip them, so it is the same 410.
    if (since !== undefined && seq < (await prunedThrough(db, mediaType))) {
      throw new ApiError('gone', 'Changes this old are no longer kept: export again and follow the feed from a new token.');
    }
    const page = rows.slice(0, limit);
    const next = page.length ? page[page.length - 1].seq : seq;
    c.header('Cache-Control', 'no-store');
    return c.json(
      {
        media_type: mediaType,
        changes: batchesOf(page),
        has_more: rows.length > limit,
        next: await tokens.sign({ v: 1, m: mediaType, s: next } satisfies TokenPayload),
      },
      200,
    );
  });
  return app;
}
