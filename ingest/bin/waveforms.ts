import { parseArgs } from 'node:util';
import pg from 'pg';
import { ingestConfig, readStackInfo } from '../config.js';
import { computeWaveforms } from '../waveforms/waveform-job.js';

const { values } = parseArgs({ options: { limit: { type: 'string' }, concurrency: { type: 'string' } } });
const config = ingestConfig();
const client = new pg.Client({ connectionString: config.databaseUrl });
client.on('error', () => {});
try {
  await client.connect();
  const started = Date.now();
  const stats = await computeWaveforms(client, {
    limit: values.limit ? Number(values.limit) : undefined,
    concurrency: values.concurrency ? Number(values.concurrency) : undefined,
    // Loopback media only for the local stack (its demo media server) or when asked.
    allowPrivate: process.env.ALLOW_PRIVATE_MEDIA === 'true' || (!process.env.DATABASE_URL && readStackInfo() !== null),
    onProgress: (done, total) => process.stderr.write(`\rwaveforms ${done}/${total}`),
  });
  process.stderr.write('\n');
  console.log(`waveforms: ${stats.done} stored, ${stats.failed.length} failed in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  for (const f of stats.failed.slice(0, 20)) console.log(`  failed ${f.id}: ${f.error}`);
  process.exitCode = 0;
} catch (err) {
  console.error(`waveforms failed: ${(err as Error).message}`);
  process.exitCode = 1;
} finally {
  await client.end().catch(() => {});
}
