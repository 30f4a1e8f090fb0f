/**
 * drizzle-kit: `npm run db:generate` writes migrations from drizzle/schema.ts (no
 * database needed); `npm run db:check` checks the migration history is consistent (CI);
 * `npx drizzle-kit migrate` and `npx drizzle-kit studio` use DATABASE_URL. The app
 * itself migrates with `npm run migrate` (drizzle/migrate.ts).
 */
import { defineConfig } from 'drizzle-kit';

export default defineConfig({
  dialect: 'postgresql',
  schema: './drizzle/schema.ts',
  out: './drizzle/migrations',
  ...(process.env.DATABASE_URL ? { dbCredentials: { url: process.env.DATABASE_URL } } : {}),
});
