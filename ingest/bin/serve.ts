/**
 * `npm run ingest:service`: the task service on INGEST_PORT (default 8001).
 */
import { serve } from '@hono/node-server';
import { ingestConfig } from '../config.js';
import { createTaskService } from '../tasks/service.js';

const secret = process.env.INGEST_SECRET ?? '';
if (secret.length < 16) {
  console.error('INGEST_SECRET must be set to a random string of at least 16 characters (the Worker sends the same one)');
  process.exit(2);
}
const port = Number(process.env.INGEST_PORT ?? 8001);
const { app, idle } = createTaskService({ config: ingestConfig(), secret });
const server = serve({ fetch: app.fetch, port, hostname: process.env.INGEST_HOST ?? '127.0.0.1' }, (info) => {
  console.log(JSON.stringify({ level: 'info', msg: 'ingest task service listening', port: info.port }));
});
server.on('error', (err: NodeJS.ErrnoException) => {
  console.error(err.code === 'EADDRINUSE' ? `port ${port} is taken: set INGEST_PORT to another port` : err.message);
  process.exit(1);
});
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    server.close();
    // Running tasks finish their current step; a killed one is recovered by the next run.
    void Promise.race([idle(), new Promise((r) => setTimeout(r, 10_000))]).then(() => process.exit(0));
  });
}
