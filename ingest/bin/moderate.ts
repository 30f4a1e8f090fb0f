/**
 * `npm run moderate -- list [--media image|audio] [--status pending_review]`
 * `npm run moderate -- resolve <report id> --as <sensitive|deindex|no_action>`
 */
import { parseArgs } from 'node:util';
import pg from 'pg';
import type { MediaType } from '../../model/record.js';
import { ingestConfig } from '../config.js';
import { MeiliAdmin } from '../meili-admin.js';
import { escapeForTerminal } from '../moderation/terminal-text.js';
import { listReports, resolveReport, RESOLUTIONS, type Resolution } from '../moderation/moderation.js';

const USAGE =
  'usage: npm run moderate -- list [--media image|audio] [--status pending_review]\n       npm run moderate -- resolve <report id> --as <sensitive|deindex|no_action>';

async function main(): Promise<number> {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: { media: { type: 'string' }, status: { type: 'string' }, as: { type: 'string' } },
  });
  const [action, id] = positionals;
  const config = ingestConfig();
  const api = new pg.Client({ connectionString: config.databaseUrl });
  api.on('error', () => {});
  await api.connect();
  try {
    if (action === 'list') {
      const reports = await listReports(api, { status: values.status, mediaType: values.media as MediaType | undefined });
      if (reports.length === 0) console.log('no reports');
      for (const r of reports) {
        const line = `${String(r.id).padStart(6)}  ${r.media_type.padEnd(5)}  ${r.identifier}  ${r.reason.padEnd(6)}  ${r.created_on.slice(0, 19)}  ${r.description ?? ''}`;
        console.log(escapeForTerminal(line));
      }
      return 0;
    }
    if (action === 'resolve' && id && values.as && values.as in RESOLUTIONS) {
      const result = await resolveReport(
        api,
        new MeiliAdmin(config.meiliUrl, config.meiliMasterKey),
        config,
        Number(id),
        values.as as Resolution,
      );
      console.log(
        `report ${result.report.id} → ${result.status} (${result.resolved} report(s) of ${result.report.media_type} ${result.report.identifier} resolved)`,
      );
      return 0;
    }
    console.error(USAGE);
    return 2;
  } finally {
    await api.end().catch(() => {});
  }
}

main().then(
  (code) => process.exit(code),
  (err: Error) => {
    console.error(`moderate failed: ${err.message}`);
    process.exit(1);
  },
);
