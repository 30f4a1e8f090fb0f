import { computeWaveforms } from '../waveforms/waveform-job.js';
import { runMediaJobCli } from './media-job-cli.js';

await runMediaJobCli('waveforms', (client, opts) => computeWaveforms(client, opts));
