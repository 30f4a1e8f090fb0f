/**
 * A database of its own for a Node test file, in the run's Postgres server (or a fresh
 * embedded PGlite when the run is embedded), migrated and dropped afterwards.
 */
import { randomBytes } from 'node:crypto';
import { inject } from 'vitest';
import { applyMigrations } from '../drizzle/migrate.js';
import { freePort } from '../scripts/stack/ports.js';
import { createDatabase, startEmbeddedPostgres } from '../scripts/stack/postgres.js';

export interface TestDatabase {
  url: string;
  drop(): Promise<void>;
}

/** `embedded: true` gives a fresh PGlite whatever the run uses (tests of both kinds). */
export async function createTestDatabase(opts: { embedded?: boolean } = {}): Promise<TestDatabase> {
  let db: TestDatabase;
  if (opts.embedded || inject('embeddedPostgres')) {
    const server = await startEmbeddedPostgres({ port: await freePort() });
    db = { url: server.url, drop: () => server.close() };
  } else {
    const runUrl = inject('databaseUrl');
    const created = await createDatabase(runUrl, `${new URL(runUrl).pathname.slice(1)}_${randomBytes(4).toString('hex')}`);
    db = { url: created.url, drop: () => created.close() };
  }
  await applyMigrations(db.url);
  return db;
}
