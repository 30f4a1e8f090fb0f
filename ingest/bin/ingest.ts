/**
 * `npm run ingest -- refresh --media <image|audio> [--source <postgres URL>]`
 *
 * Progress goes to stderr (one line, redrawn on a terminal); the summary to stdout.
 */
import { parseArgs } from 'node:util';
import { MEDIA_TYPES, type MediaType } from '../../model/record.js';
import { ingestConfig } from '../config.js';
import { progressLines, taskSummary } from '../tasks/format.js';
import { TASK_ACTIONS, runTask, type TaskAction } from '../tasks/run-task.js';

const USAGE =
  'usage: npm run ingest -- <refresh|update|rollback> --media <image|audio|all> [--source <postgres URL | CSV/TSV file> [--add]]';

async function main(): Promise<number> {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: {
      media: { type: 'string', default: 'all' },
      source: { type: 'string' },
      add: { type: 'boolean', default: false },
      help: { type: 'boolean' },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const action = positionals[0] as TaskAction;
  if (!TASK_ACTIONS.includes(action)) {
    console.error(action ? `unknown action "${action}"; ${USAGE}` : USAGE);
    return 2;
  }
  const media = values.media === 'all' ? [...MEDIA_TYPES] : [values.media as MediaType];
  if (!media.every((m) => (MEDIA_TYPES as readonly string[]).includes(m))) {
    console.error(`unknown media type "${values.media}"; ${USAGE}`);
    return 2;
  }
  // `--source` is a Postgres URL (the upstream catalog) or a CSV/TSV dump.
  const fromFile = values.source !== undefined && !/^postgres(ql)?:\/\//.test(values.source);
  if (values.add && !fromFile) {
    console.error(`--add adds a CSV/TSV file's rows to the catalog: give it with --source; ${USAGE}`);
    return 2;
  }
  const config = ingestConfig({ source: fromFile ? undefined : values.source });
  if (fromFile && action === 'refresh') {
    // A refresh rebuilds the whole index from its source: say what is about to go.
    console.error(
      values.add
        ? `adding the rows of ${values.source} to the ${media.join(' and ')} catalog (the upstream catalog is read too)`
        : `the ${media.join(' and ')} index will hold only the rows of ${values.source}: every other ${media.join('/')} work is replaced (add --add to keep them and add the file's rows)`,
    );
  }
  const controller = new AbortController();
  process.once('SIGINT', () => controller.abort());
  process.once('SIGTERM', () => controller.abort());
  const tty = process.stderr.isTTY;
  for (const mediaType of media) {
    // Lines drawn last time: a terminal redraws them in place (one per shard on a network).
    let drawn = 0;
    const result = await runTask(config, action, mediaType, {
      signal: controller.signal,
      files: fromFile ? [values.source!] : undefined,
      addFiles: values.add,
      onProgress: (p) => {
        const lines = progressLines(mediaType, p);
        if (!tty) process.stderr.write(`${lines.join('\n')}\n`);
        else {
          const up = drawn > 1 ? `\x1b[${drawn - 1}F` : '\r';
          process.stderr.write(`${up}${lines.map((l) => `${l}\x1b[K`).join('\n')}`);
          drawn = lines.length;
        }
      },
    });
    if (tty) process.stderr.write('\n');
    for (const line of taskSummary(result)) console.log(line);
  }
  return 0;
}

main().then(
  (code) => process.exit(code),
  (err: Error) => {
    console.error(`ingest failed: ${err.message}`);
    process.exit(1);
  },
);
