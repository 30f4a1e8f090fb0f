/** `npm run migrate`: applies the drizzle migrations to DATABASE_URL. */
import { applyMigrations } from '../drizzle/migrate.js';

const url = process.env.DATABASE_URL;
if (!url) {
  console.error('DATABASE_URL is not set: point it at the Postgres (or Neon) database to migrate');
  process.exit(2);
}
try {
  await applyMigrations(url);
  console.log(JSON.stringify({ level: 'info', msg: 'migrations applied' }));
} catch (err) {
  console.error((err as Error).message);
  process.exit(1);
}
