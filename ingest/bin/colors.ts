import { computeColors, liveColorTarget } from '../colors/color-job.js';
import { runMediaJobCli } from './media-job-cli.js';

await runMediaJobCli(
  'colors',
  async (client, opts, config) => computeColors(client, { ...opts, ...(await liveColorTarget(client, config)) }),
  (stats) => `, ${stats.indexed} live documents updated`,
);
