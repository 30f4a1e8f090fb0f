/**
 * The body of a bulk export (issue #18): NDJSON, one work per line in the API's result
 * shape, read from Postgres a page at a time in identifier order and pulled by the
 * client (a page is read only when the previous one was taken), so memory holds one
 * page however large the export. Every page is charged to the key's daily budget
 * before it is sent. The last line is always a trailer, `{"export": {...}}`:
 * `complete`, `budget_exhausted`, `partial` or `error`, with `resume_after` for the next
 * request (`after=`), so a client can tell a finished export from a cut connection.
 *
 * A response sends at most `maxRows` rows, then ends `partial`: the runtime counts the
 * CPU of every row serialised while the body streams against the request's limit
 * (wrangler.toml `cpu_ms`), so an export is a loop of bounded responses, not one
 * response that the platform would cut without a trailer.
 *
 * The stream holds its own database connection (the request's closes when the handler
 * returns, before the body is read) and closes it at the end, on error, and when the
 * client goes away (cancel).
 */
import type { MediaRecord, MediaType } from '../../model/record.js';
import { chargeExport, exportPage, type ExportFilter } from '../db/export.js';
import type { Database } from '../db/media.js';

/** Rows read and charged at a time: one page is all the stream holds. */
export const EXPORT_PAGE_ROWS = 500;
/**
 * Rows one response sends unless `EXPORT_ROWS_PER_RESPONSE` says otherwise: the Worker
 * spends 24 µs of CPU a row, 36 with gzip (bench/RESULTS.md, "export: CPU per row"),
 * 0.24–0.36 s here against the 1 s `cpu_ms` limit, with room for a slower isolate.
 */
export const EXPORT_ROWS_PER_RESPONSE = 10_000;

export type ExportTrailer =
  | { status: 'complete'; rows: number; last_id: string | null }
  | { status: 'budget_exhausted' | 'partial' | 'error'; rows: number; resume_after: string | null; detail: string };

export interface ExportOptions {
  mediaType: MediaType;
  filter: ExportFilter;
  after: string | null;
  clientId: string;
  budget: number;
  /** Opens the stream's own connection. */
  open(): { db: Database; close(): Promise<void> };
  serialize(record: MediaRecord): unknown;
  onError?(err: Error): void;
  pageRows?: number;
  /** Rows this response sends at most (`EXPORT_ROWS_PER_RESPONSE` by default). */
  maxRows?: number;
}

export function exportStream(opts: ExportOptions): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  const pageRows = opts.pageRows ?? EXPORT_PAGE_ROWS;
  const maxRows = opts.maxRows ?? EXPORT_ROWS_PER_RESPONSE;
  let conn: ReturnType<ExportOptions['open']> | null = null;
  let after = opts.after;
  let sent = 0;
  const close = async () => {
    const c = conn;
    conn = null;
    await c?.close().catch(() => {});
  };
  const finish = async (controller: ReadableStreamDefaultController<Uint8Array>, trailer: ExportTrailer) => {
    controller.enqueue(encoder.encode(`${JSON.stringify({ export: trailer })}\n`));
    controller.close();
    await close();
  };
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        try {
          if (sent >= maxRows) {
            return await finish(controller, {
              status: 'partial',
              rows: sent,
              resume_after: after,
              detail: `A response sends at most ${maxRows} rows. Continue with after=${after ?? ''}.`,
            });
          }
          conn ??= opts.open();
          const records = await exportPage(conn.db, opts.mediaType, opts.filter, after, Math.min(pageRows, maxRows - sent));
          if (records.length === 0) return await finish(controller, { status: 'complete', rows: sent, last_id: after });
          const { granted } = await chargeExport(conn.db, opts.clientId, records.length, opts.budget);
          const page = records.slice(0, granted);
          if (page.length) {
            controller.enqueue(encoder.encode(page.map((r) => `${JSON.stringify(opts.serialize(r))}\n`).join('')));
            sent += page.length;
            after = page[page.length - 1].identifier;
          }
          if (granted < records.length) {
            await finish(controller, {
              status: 'budget_exhausted',
              rows: sent,
              resume_after: after,
              detail: `This key's daily export budget (${opts.budget} rows) is spent. Resume tomorrow (UTC) with after=${after ?? ''}.`,
            });
          }
        } catch (err) {
          opts.onError?.(err as Error);
          await finish(controller, {
            status: 'error',
            rows: sent,
            resume_after: after,
            detail: 'The export stopped on a database error. Resume with after= the id given here.',
          });
        }
      },
      async cancel() {
        await close();
      },
    },
    // Nothing is read ahead of the client: one page at a time, on demand.
    { highWaterMark: 0 },
  );
}
