/**
 * Applies the generated SQL migrations in `drizzle/migrations` (drizzle-kit output).
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { drizzle } from 'drizzle-orm/node-postgres';
import { migrate } from 'drizzle-orm/node-postgres/migrator';
import pg from 'pg';

export const MIGRATIONS_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'migrations');

export class MigrationError extends Error {
  override name = 'MigrationError';
}

export async function applyMigrations(databaseUrl: string, migrationsFolder = MIGRATIONS_DIR): Promise<void> {
  if (!existsSync(path.join(migrationsFolder, 'meta', '_journal.json'))) {
    throw new MigrationError(
      `no migrations in ${migrationsFolder} (meta/_journal.json missing): restore the folder from git or run \`npm run db:generate\``,
    );
  }
  const client = new pg.Client({ connectionString: databaseUrl });
  client.on('error', () => {});
  await client.connect();
  try {
    // Quiet the NOTICEs Postgres prints for IF NOT EXISTS on re-runs.
    await client.query('set client_min_messages = warning');
    await migrate(drizzle(client), { migrationsFolder });
  } catch (err) {
    const cause = (err as { cause?: Error }).cause;
    throw new MigrationError(`migration failed: ${cause?.message ?? (err as Error).message}`);
  } finally {
    await client.end().catch(() => {});
  }
}
