import { parseArgs } from 'node:util';
import pg from 'pg';
import { computeColors, liveColorTarget } from '../colors/color-job.js';
import { ingestConfig, readStackInfo } from '../config.js';

const { values } = parseArgs({ options: { limit: { type: 'string' }, concurrency: { type: 'string' } } });
const config = ingestConfig();
const client = new pg.Client({ connectionString: config.databaseUrl });
client.on('error', () => {});
try {
  await client.connect();
  const started = Date.now();
  const stats = await computeColors(client, {
    limit: values.limit ? Number(values.limit) : undefined,
    concurrency: values.concurrency ? Number(values.concurrency) : undefined,
    // Loopback media only for the local stack (its demo media server) or when asked.
    allowPrivate: process.env.ALLOW_PRIVATE_MEDIA === 'true' || (!process.env.DATABASE_URL && readStackInfo() !== null),
    onProgress: (done, total) => process.stderr.write(`\rcolors ${done}/${total}`),
    ...(await liveColorTarget(client, config)),
  });
  process.stderr.write('\n');
  console.log(
    `colors: ${stats.done} stored, ${stats.failed.length} failed, ${stats.indexed} live documents updated in ${((Date.now() - started) / 1000).toFixed(1)} s`,
  );
  for (const f of stats.failed.slice(0, 20)) console.log(`  failed ${f.id}: ${f.error}`);
  process.exitCode = 0;
} catch (err) {
  console.error(`colors failed: ${(err as Error).message}`);
  process.exitCode = 1;
} finally {
  await client.end().catch(() => {});
}
