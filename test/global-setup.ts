/**
 * Vitest global setup (Node): starts the real services once per run, migrates the run's
 * database, loads a small generated catalog plus the real sample rows, runs the ingest
 * into run-prefixed indexes, and starts the Neon bridge the workerd tests connect
 * through. Values reach tests through `provide`/`inject`.
 */
import type { TestProject } from 'vitest/node';
import { applyMigrations } from '../drizzle/migrate.js';
import { startMediaServer } from '../scripts/stack/media-server.js';
import { startNeonBridge } from '../scripts/stack/neon-bridge.js';
import { freePort } from '../scripts/stack/ports.js';
import { loadFixtureCatalog } from './fixture-catalog.js';
import { startNetworkCopy, type NetworkCopy } from './sharded-copy.js';
import { startTestServices } from './services.js';
import { startSilentServer } from './silent-server.js';

// What `provide` hands the tests: declared in test/provided-context.d.ts (the Worker's
// typecheck project reads it too).

export default async function setup(project: TestProject) {
  const services = await startTestServices();
  // The fixture's media URLs point at a real local media server (thumbnails, dead links).
  const media = await startMediaServer({ port: await freePort(), host: '127.0.0.1' });
  const silent = await startSilentServer();
  let network: NetworkCopy | undefined;
  try {
    await applyMigrations(services.databaseUrl);
    const fixture = await loadFixtureCatalog(services, media.url);
    network = await startNetworkCopy(services);
    const target = new URL(services.databaseUrl);
    const bridge = await startNeonBridge({ port: await freePort(), target: { host: target.hostname, port: Number(target.port || 5432) } });
    project.provide('databaseUrl', services.databaseUrl);
    project.provide('embeddedPostgres', services.embeddedPostgres);
    project.provide('meiliUrl', services.meiliUrl);
    project.provide('meiliMasterKey', services.meiliMasterKey);
    project.provide('meiliSearchKey', services.meiliSearchKey);
    project.provide('indexPrefix', services.indexPrefix);
    project.provide('bridgeUrl', bridge.url);
    project.provide('fixture', fixture);
    project.provide('mediaUrl', media.url);
    project.provide('silentUrl', silent.url);
    const { close: _close, ...copy } = network;
    project.provide('network', copy);
    return async () => {
      await bridge.close();
      await network?.close();
      await silent.close();
      await media.close();
      await services.stop();
    };
  } catch (err) {
    await network?.close();
    await silent.close();
    await media.close();
    await services.stop();
    throw err;
  }
}
