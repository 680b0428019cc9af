import { sql, type SQL } from "drizzle-orm";
import type { Db, Tx } from "@/server/db";

/**
 * The rollup and monthly-spend upserts for a set of newly recorded usage events, as the tail of
 * one SQL statement whose CTE `batch` holds those events (the rows an insert actually wrote, so
 * a retried event is counted once). Rows are upserted in key order so that concurrent writers
 * lock them in the same order and cannot deadlock.
 */
export function rollupUpserts(): SQL {
  return sql`
    , grouped as (
      select b.team_id, g.granularity, date_trunc(g.granularity, b.created_at, 'UTC') as bucket, b.product,
        coalesce(b.api_key_id, '') as api_key_id, coalesce(b.user_id, '') as user_id,
        coalesce(b.model, '') as model, coalesce(b.instance_type_id, '') as instance_type_id,
        count(*) as requests, count(*) filter (where b.status <> 'ok') as errors,
        sum(b.input_tokens) as input_tokens, sum(b.output_tokens) as output_tokens,
        coalesce(sum(b.quantity_seconds), 0) as quantity_seconds, sum(b.cost_nano) as cost_nano
      from batch b cross join (values ('hour'), ('day')) as g(granularity)
      group by 1, 2, 3, 4, 5, 6, 7, 8
    ), rolled as (
      insert into usage_rollups (team_id, granularity, bucket, product, api_key_id, user_id, model, instance_type_id,
        requests, errors, input_tokens, output_tokens, quantity_seconds, cost_nano)
      select * from grouped order by 1, 2, 3, 4, 5, 6, 7, 8
      on conflict on constraint usage_rollups_pkey do update set
        requests = usage_rollups.requests + excluded.requests,
        errors = usage_rollups.errors + excluded.errors,
        input_tokens = usage_rollups.input_tokens + excluded.input_tokens,
        output_tokens = usage_rollups.output_tokens + excluded.output_tokens,
        quantity_seconds = usage_rollups.quantity_seconds + excluded.quantity_seconds,
        cost_nano = usage_rollups.cost_nano + excluded.cost_nano
      returning 1
    ), monthly as (
      select team_id, to_char(created_at at time zone 'UTC', 'YYYY-MM-01') as month,
        sum(cost_nano)::bigint as spent_nano, sum(reserved_nano)::bigint as released_nano
      from batch group by 1, 2
    ), spent as (
      insert into team_spend (team_id, month, spent_nano, reserved_nano)
      select team_id, month, spent_nano, 0 from monthly order by 1, 2
      on conflict (team_id, month) do update set
        spent_nano = team_spend.spent_nano + excluded.spent_nano,
        reserved_nano = greatest(team_spend.reserved_nano - (
          select m.released_nano from monthly m where m.team_id = excluded.team_id and m.month = excluded.month), 0)
      returning 1
    )`;
}

/**
 * Recomputes rollups and monthly spend from the usage ledger, for one team or all, in one
 * transaction: readers see the old figures or the new ones. Reservations in flight are kept.
 */
export async function rebuildRollups(db: Db, teamId?: string): Promise<{ rollups: number; months: number }> {
  return db.transaction(async (tx) => rebuildIn(tx, teamId));
}

async function rebuildIn(tx: Tx, teamId?: string): Promise<{ rollups: number; months: number }> {
  const teamFilter = teamId ? sql`where team_id = ${teamId}` : sql``;
  await tx.execute(sql`delete from usage_rollups ${teamFilter}`);
  const rollups = await tx.execute(sql`
    insert into usage_rollups (team_id, granularity, bucket, product, api_key_id, user_id, model, instance_type_id,
      requests, errors, input_tokens, output_tokens, quantity_seconds, cost_nano)
    select b.team_id, g.granularity, date_trunc(g.granularity, b.created_at, 'UTC'), b.product,
      coalesce(b.api_key_id, ''), coalesce(b.user_id, ''), coalesce(b.model, ''), coalesce(b.instance_type_id, ''),
      count(*), count(*) filter (where b.status <> 'ok'), sum(b.input_tokens), sum(b.output_tokens),
      coalesce(sum(b.quantity_seconds), 0), sum(b.cost_nano)
    from usage_events b cross join (values ('hour'), ('day')) as g(granularity)
    ${teamId ? sql`where b.team_id = ${teamId}` : sql``}
    group by 1, 2, 3, 4, 5, 6, 7, 8`);
  await tx.execute(sql`update team_spend set spent_nano = 0 ${teamFilter}`);
  const months = await tx.execute(sql`
    insert into team_spend (team_id, month, spent_nano, reserved_nano)
    select team_id, to_char(created_at at time zone 'UTC', 'YYYY-MM-01'), sum(cost_nano), 0
    from usage_events ${teamFilter} group by 1, 2
    on conflict (team_id, month) do update set spent_nano = excluded.spent_nano`);
  return { rollups: rowCount(rollups), months: rowCount(months) };
}

function rowCount(result: unknown): number {
  const r = result as { rowCount?: number | null; affectedRows?: number };
  return r.rowCount ?? r.affectedRows ?? 0;
}
