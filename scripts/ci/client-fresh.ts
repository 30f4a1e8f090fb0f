/**
 * `npm run check:client-fresh`: fails when client/schema.d.ts (the typed client's types)
 * differs from what `npm run client:generate` makes of the Worker's OpenAPI document now,
 * i.e. when a route or schema changed and the types were not regenerated. Read-only: the
 * committed file is compared, never rewritten.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CLIENT_SCHEMA_FILE, generateClientSchema } from '../client-generate.js';

const committed = readFileSync(CLIENT_SCHEMA_FILE, 'utf8');
const generated = await generateClientSchema();
if (generated !== committed) {
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'edgeverse-client-'));
  try {
    const fresh = path.join(tmp, 'schema.d.ts');
    writeFileSync(fresh, generated);
    const diff = spawnSync('diff', ['-u', '--label', 'committed', '--label', 'generated', CLIENT_SCHEMA_FILE, fresh], { encoding: 'utf8' });
    console.error(`${diff.stdout}\ncheck:client-fresh: FAILED: client/schema.d.ts is stale: run \`npm run client:generate\` and commit it`);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  process.exit(1);
}
console.log("check:client-fresh: client/schema.d.ts matches the Worker's OpenAPI document");
