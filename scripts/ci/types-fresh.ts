/**
 * `npm run check:types-fresh`: fails when worker/worker-configuration.d.ts differs from
 * what `npm run types` generates from wrangler.toml now. It regenerates and compares the
 * whole file, because `wrangler types --check` only compares the hash in the file's
 * header with the configuration: it passes a hand-edited file. The file is left as it was.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { wranglerEnv } from '../stack/wrangler.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const FILE = path.join(ROOT, 'worker/worker-configuration.d.ts');

const committed = readFileSync(FILE, 'utf8');
const tmp = mkdtempSync(path.join(os.tmpdir(), 'edgeverse-types-'));
try {
  const run = spawnSync('npm', ['run', '--silent', 'types'], { cwd: ROOT, encoding: 'utf8', env: wranglerEnv(path.join(tmp, 'wrangler')) });
  const generated = readFileSync(FILE, 'utf8');
  if (generated !== committed) writeFileSync(FILE, committed);
  if (run.status !== 0) {
    console.error(`${run.stdout}${run.stderr}\ncheck:types-fresh: FAILED: \`npm run types\` exited with ${run.status}`);
    process.exit(1);
  }
  if (generated !== committed) {
    const fresh = path.join(tmp, 'worker-configuration.d.ts');
    writeFileSync(fresh, generated);
    const diff = spawnSync('diff', ['-u', '--label', 'committed', '--label', 'generated', FILE, fresh], { encoding: 'utf8' });
    console.error(
      `${diff.stdout}\ncheck:types-fresh: FAILED: worker/worker-configuration.d.ts is stale: run \`npm run types\` and commit it`,
    );
    process.exit(1);
  }
  console.log('check:types-fresh: worker/worker-configuration.d.ts matches wrangler.toml');
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
