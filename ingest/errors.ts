/**
 * The ingest's one error type: a refresh, update, rollback, moderation decision or task
 * that cannot go on throws an `IngestError` whose message says what happened and what
 * to do; the CLIs print it and the task service stores it as the task's `error`.
 * Meilisearch failures keep their own `MeiliError` (it carries the HTTP status and
 * Meilisearch's error code) from the engine wrapper.
 */
export class IngestError extends Error {
  override name = 'IngestError';
}
