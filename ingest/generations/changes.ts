/**
 * The change log behind `/v1/changes/` (issue #18): every refresh, update, rollback and
 * moderation action records the ids it added, updated or removed, in the transaction
 * that makes the change, so the log and the live tables never disagree. A promotion
 * or rollback records the difference between the live table and the one replacing it,
 * computed in SQL (nothing leaves the database).
 */
import type pg from 'pg';
import type { MediaType } from '../../model/record.js';

export type ChangeOp = 'a' | 'u' | 'r';

/**
 * Serialises the change-log writers of a media type until the transaction ends, so
 * `seq`s commit in the order they were taken and a reader never passes one that is
 * still to appear. A transaction that writes a media table takes it first, before any
 * row of that table: a promotion or rollback holds it while it renames the tables, so
 * taking it after a row lock (as recording at the end would) deadlocks against one.
 * Taking it again in the same transaction is free.
 */
export async function lockChangeLog(api: pg.ClientBase, mediaType: MediaType): Promise<void> {
  await api.query(`select pg_advisory_xact_lock(hashtext('change_log:' || $1))`, [mediaType]);
}

/** The live generation when none is given (an update or moderation changes the live one). */
const GENERATION = `coalesce($2::int, (select generation from search_generation where media_type = $1::text), 0)`;

/**
 * Records what replacing `from` (the live table) by `to` changes: ids only in `to`
 * added, only in `from` removed, in both with any column different updated. Inside
 * the promotion (or rollback) transaction, before the tables are renamed.
 */
export async function recordTableDiff(
  api: pg.ClientBase,
  mediaType: MediaType,
  from: string,
  to: string,
  generation: number,
): Promise<void> {
  await lockChangeLog(api, mediaType);
  await api.query(
    `insert into change_log (media_type, op, identifier, generation)
     select $1::text, 'a', n.identifier, ${GENERATION} from ${to} n where not exists (select 1 from ${from} o where o.identifier = n.identifier)
     union all
     select $1::text, 'r', o.identifier, ${GENERATION} from ${from} o where not exists (select 1 from ${to} n where n.identifier = o.identifier)
     union all
     select $1::text, 'u', n.identifier, ${GENERATION} from ${to} n join ${from} o on o.identifier = n.identifier where row(n.*) is distinct from row(o.*)`,
    [mediaType, generation],
  );
}

/** Records ids changed in place (an update's batch, a moderation decision). Inside their transaction. */
export async function recordChanges(api: pg.ClientBase, mediaType: MediaType, op: ChangeOp, ids: readonly string[]): Promise<void> {
  if (ids.length === 0) return;
  await lockChangeLog(api, mediaType);
  await api.query(
    `insert into change_log (media_type, op, identifier, generation) select $1::text, $3, id, ${GENERATION} from unnest($4::uuid[]) as id`,
    [mediaType, null, op, ids],
  );
}

/** Drops changes older than `retentionDays` and moves the horizon past them (older tokens are then 410). */
export async function pruneChanges(api: pg.ClientBase, mediaType: MediaType, retentionDays: number): Promise<number> {
  const { rows } = await api.query<{ through: string | null; n: string }>(
    `with gone as (
       delete from change_log where media_type = $1 and changed_at < now() - make_interval(days => $2) returning seq
     ), top as (select max(seq) as through, count(*) as n from gone),
     moved as (
       insert into change_horizon (media_type, pruned_through) select $1::text, through from top where through is not null
       on conflict (media_type) do update set pruned_through = greatest(change_horizon.pruned_through, excluded.pruned_through)
     )
     select through::text, n::text from top`,
    [mediaType, retentionDays],
  );
  return Number(rows[0]?.n ?? 0);
}
