/**
 * A database of its own for a Node test file, in the run's Postgres server (or a fresh
 * embedded PGlite when the run is embedded), migrated and dropped afterwards.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';
import { applyMigrations } from '../drizzle/migrate.js';
import { freePort } from '../scripts/stack/ports.js';
import { startEmbeddedPostgres } from '../scripts/stack/postgres.js';

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
    const name = `${new URL(runUrl).pathname.slice(1)}_${randomBytes(4).toString('hex')}`;
    const admin = new pg.Client({ connectionString: runUrl });
    await admin.connect();
    await admin.query(`create database ${name}`);
    await admin.end();
    const url = new URL(runUrl);
    url.pathname = `/${name}`;
    db = {
      url: url.toString(),
      async drop() {
        const c = new pg.Client({ connectionString: runUrl });
        await c.connect();
        await c.query(`drop database if exists ${name} with (force)`);
        await c.end();
      },
    };
  }
  await applyMigrations(db.url);
  return db;
}
