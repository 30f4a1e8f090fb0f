/**
 * `npm run db:check` (after `drizzle-kit check`): fails when drizzle/schema.ts has changes
 * no migration holds. It runs `drizzle-kit generate` on a copy of the migrations folder
 * and fails if that writes a new migration; the committed folder is never touched.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const MIGRATIONS = path.join(ROOT, 'drizzle/migrations');
const tmp = mkdtempSync(path.join(os.tmpdir(), 'edgeverse-drift-'));
try {
  const copy = path.join(tmp, 'migrations');
  cpSync(MIGRATIONS, copy, { recursive: true });
  const before = new Set(readdirSync(copy));
  const drizzleKit = path.join(ROOT, 'node_modules/.bin/drizzle-kit');
  // drizzle-kit reads `--out` relative to the working directory (it prefixes './').
  const out = path.relative(ROOT, copy);
  const run = spawnSync(drizzleKit, ['generate', '--dialect', 'postgresql', '--schema', './drizzle/schema.ts', '--out', out], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  // It exits 0 on some failures (a missing snapshot): success says one of two things.
  const said = `${run.stdout}${run.stderr}`;
  if (run.status !== 0 || !/No schema changes|Your SQL migration file/.test(said)) {
    console.error(`${run.stdout}${run.stderr}\ndb:check: FAILED: drizzle-kit generate exited with ${run.status}`);
    process.exit(1);
  }
  const added = readdirSync(copy).filter((f) => !before.has(f) && f.endsWith('.sql'));
  if (added.length) {
    console.error(readFileSync(path.join(copy, added[0]), 'utf8'));
    console.error(
      `db:check: FAILED: drizzle/schema.ts differs from the migrations (above, what ${added[0]} would hold): run \`npm run db:generate\` and commit the migration`,
    );
    process.exit(1);
  }
  console.log('db:check: the schema matches the migrations');
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
