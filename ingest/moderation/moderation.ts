/**
 * Moderation (§9): resolving a report marks the work sensitive, deindexes it, or takes
 * no action. A resolution reaches search at once (a direct Meilisearch update and a
 * cache generation bump, no refresh) and survives every later refresh (the sensitive
 * and deleted lists are applied by the ingest). Other pending reports of the same work
 * follow (all of them when deindexed, those with the same reason otherwise).
 */
import { lockChangeLog, recordChanges } from '../generations/changes.js';
import type pg from 'pg';
import type { MediaType } from '../../model/record.js';
import { topologyOf, type IngestConfig } from '../config.js';
import { IngestError } from '../errors.js';
import { livePlacement } from '../generations/layout.js';
import type { MeiliAdmin } from '../meili-admin.js';
import { deleteDocuments, pointerOf, updateDocuments, type Placement } from '../shards/placement.js';
import { bumpCacheGeneration } from '../tasks/notify-worker.js';
import { withTransaction } from '../transaction.js';

export const RESOLUTIONS = { sensitive: 'mature_filtered', deindex: 'deindexed', no_action: 'no_action' } as const;
export type Resolution = keyof typeof RESOLUTIONS;

/** The partial documents that mark works sensitive in the index (the other fields stay). */
function markedSensitive(ids: string[]): { id: string; mature: boolean; user_reported_sensitive: boolean }[] {
  return ids.map((id) => ({ id, mature: true, user_reported_sensitive: true }));
}

export interface ReportRow {
  id: number;
  media_type: MediaType;
  identifier: string;
  reason: string;
  description: string | null;
  status: string;
  created_on: string;
}

export async function listReports(api: pg.ClientBase, opts: { status?: string; mediaType?: MediaType } = {}): Promise<ReportRow[]> {
  const { rows } = await api.query<ReportRow>(
    `select id, media_type, identifier::text, reason, description, status, created_on::text from content_report
      where status = $1 and ($2::text is null or media_type = $2) order by created_on, id limit 500`,
    [opts.status ?? 'pending_review', opts.mediaType ?? null],
  );
  return rows;
}

export interface ResolveResult {
  report: ReportRow;
  status: string;
  /** Reports resolved by this call, the given one included. */
  resolved: number;
}

export async function resolveReport(
  api: pg.ClientBase,
  meili: MeiliAdmin,
  config: IngestConfig,
  reportId: number,
  resolution: Resolution,
): Promise<ResolveResult> {
  const { rows } = await api.query<ReportRow>(
    'select id, media_type, identifier::text, reason, description, status, created_on::text from content_report where id = $1',
    [reportId],
  );
  const report = rows[0];
  if (!report) throw new IngestError(`no report with id ${reportId}: see \`npm run moderate -- list\``);
  if (report.status !== 'pending_review')
    throw new IngestError(`report ${reportId} is already resolved (${report.status}); a resolution is final`);
  const status = RESOLUTIONS[resolution];
  // The live generation: the served index on one node, or the row's pointer on a network.
  const live = await livePlacement(api, {
    meili,
    topology: topologyOf(config),
    mediaType: report.media_type,
    indexPrefix: config.indexPrefix,
  });
  const table = report.media_type;
  const resolved = await withTransaction(api, async () => {
    // Before the work's row: the lock order of every change-log writer (changes.ts).
    await lockChangeLog(api, table);
    if (resolution === 'sensitive') {
      await api.query(`insert into sensitive_media (media_type, identifier) values ($1, $2) on conflict do nothing`, [
        table,
        report.identifier,
      ]);
      const marked = await api.query(`update ${table} set mature = true, user_reported_sensitive = true where identifier = $1`, [
        report.identifier,
      ]);
      if (marked.rowCount) await recordChanges(api, table, 'u', [report.identifier]);
    } else if (resolution === 'deindex') {
      await api.query(`insert into deleted_media (media_type, identifier, reason) values ($1, $2, $3) on conflict do nothing`, [
        table,
        report.identifier,
        `report ${report.id}: ${report.reason}`,
      ]);
      const gone = await api.query(`delete from ${table} where identifier = $1`, [report.identifier]);
      if (gone.rowCount) await recordChanges(api, table, 'r', [report.identifier]);
    }
    const follow = await api.query(
      `update content_report set status = $1, resolved_on = now()
        where media_type = $2 and identifier = $3 and status = 'pending_review' and (id = $4 or $5 or reason = $6)`,
      [status, table, report.identifier, report.id, resolution === 'deindex', report.reason],
    );
    const count = follow.rowCount ?? 0;
    // The search index changes inside the transaction window: if it fails, nothing commits.
    if (resolution === 'sensitive') await updateDocuments(live, markedSensitive([report.identifier]));
    else if (resolution === 'deindex') await deleteDocuments(live, [report.identifier]);
    return count;
  });
  if (resolution !== 'no_action') await bumpCacheGeneration(config, report.media_type, `moderation.${Date.now()}`, pointerOf(live));
  return { report, status, resolved };
}

/**
 * Applies the deleted and sensitive lists entries made since `since` to a generation
 * being built (its staging table and index, on the shard of each work), so a decision
 * taken during a refresh is not lost when that refresh is promoted.
 */
export async function reapplyModeration(api: pg.ClientBase, target: Placement, mediaType: MediaType, since: string): Promise<void> {
  const staging = `${mediaType}_new`;
  const deleted = (
    await api.query<{ identifier: string }>('select identifier::text from deleted_media where media_type = $1 and created_on >= $2', [
      mediaType,
      since,
    ])
  ).rows.map((r) => r.identifier);
  const sensitive = (
    await api.query<{ identifier: string }>('select identifier::text from sensitive_media where media_type = $1 and created_on >= $2', [
      mediaType,
      since,
    ])
  ).rows.map((r) => r.identifier);
  if (deleted.length) {
    await api.query(`delete from ${staging} where identifier = any($1::uuid[])`, [deleted]);
    await deleteDocuments(target, deleted);
  }
  if (sensitive.length) {
    const present = (
      await api.query<{ identifier: string }>(
        `update ${staging} set mature = true, user_reported_sensitive = true where identifier = any($1::uuid[]) returning identifier::text`,
        [sensitive],
      )
    ).rows.map((r) => r.identifier);
    if (present.length) await updateDocuments(target, markedSensitive(present));
  }
}
