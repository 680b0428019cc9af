import { sql } from "drizzle-orm";
import type { Db, Tx } from "@/server/db";
import { requireInstanceType } from "./instance-types";
import { rowsOf, ts } from "@/server/db/sql";

export interface FreeCapacity {
  regionId: string;
  /** Instances of the type that fit, each on one host, on slots free over the whole range. */
  instances: number;
  /** GPUs of the type's model free over the whole range, whether or not they add up to an instance. */
  gpus: number;
}

/**
 * How many instances of a type fit per region over [from, to); `to` null means from `from` on with
 * no end, which is what an on-demand launch needs (so a slot with any later reservation does not
 * count). Every region with active hosts of the type's GPU model is listed, in catalog order, with
 * 0 where nothing fits.
 */
export async function freeInstances(db: Db | Tx, q: { instanceTypeId: string; from: Date; to: Date | null; regionId?: string }): Promise<FreeCapacity[]> {
  const type = await requireInstanceType(db, q.instanceTypeId);
  const range = sql`tstzrange(${ts(q.from)}::timestamptz, ${q.to ? ts(q.to) : null}::timestamptz)`;
  return rowsOf<FreeCapacity>(
    db,
    sql`
      select h.region_id as "regionId",
        sum((h.gpu_slots - b.busy) / ${type.gpuCount}::int)::int as instances,
        sum(h.gpu_slots - b.busy)::int as gpus
      from hosts h
      join regions r on r.id = h.region_id
      cross join lateral (
        select count(distinct a.slot)::int as busy from allocations a
        where a.host_id = h.id and tstzrange(a.starts_at, a.ends_at) && ${range}
      ) b
      where h.gpu_model = ${type.gpuModel} and h.state = 'active' ${q.regionId ? sql`and h.region_id = ${q.regionId}` : sql``}
      group by h.region_id, r.sort_order
      order by r.sort_order, h.region_id`,
  );
}
