/**
 * Command-line options of the benchmarks and harness scripts, the one parser for all of
 * them: node:util `parseArgs`, strict (an unknown or misspelt option is refused, naming
 * it, with the usage), `--name value` and `--name=value`; `--help` prints the usage.
 */
import { parseArgs } from 'node:util';

type Options = Record<string, { type: 'string' | 'boolean'; short?: string }>;
type Values<O extends Options> = { [K in keyof O]?: O[K]['type'] extends 'boolean' ? boolean : string };

export function cliOptions<const O extends Options>(options: O, usage: string, args = process.argv.slice(2)): Values<O> {
  try {
    const { values } = parseArgs({
      args,
      options: { ...options, help: { type: 'boolean', short: 'h' } },
      strict: true,
      allowPositionals: false,
    });
    if ((values as { help?: boolean }).help) {
      console.log(usage);
      process.exit(0);
    }
    return values as Values<O>;
  } catch (err) {
    console.error(`${(err as Error).message}\n\n${usage}`);
    process.exit(2);
  }
}

/** The command as typed (for the results), e.g. `npm run bench -- --docs 10000`. */
export function commandLine(script: string, args = process.argv.slice(2)): string {
  return `npm run ${script} -- ${args.join(' ')}`.trim();
}
