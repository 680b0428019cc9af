import { sql } from "drizzle-orm";
import { z } from "zod";
import type { Db, Tx } from "@/server/db";
import { requireCompute, type ComputeContext } from "../context";
import { requireInstanceType } from "./instance-types";
import { rowsOf, ts } from "@/server/db/sql";

export type CalendarBucket = "day" | "hour";

export interface AvailabilityQuery {
  instanceTypeId: string;
  regionId?: string;
  /** Rounded down to the start of its bucket (UTC). */
  from: Date;
  days: number;
  bucket: CalendarBucket;
}

export interface AvailabilityCalendar {
  instanceTypeId: string;
  bucket: CalendarBucket;
  from: Date;
  to: Date;
  /** Start of each bucket; a bucket ends where the next begins. */
  starts: Date[];
  /** Per region (catalog order), instances of the type that fit for the whole of each bucket. */
  regions: { regionId: string; instances: number[] }[];
}

export const MAX_CALENDAR_DAYS = 90;

const daysMessage = `Show 1 to ${MAX_CALENDAR_DAYS} days.`;

export const availabilityInput = z.object({
  instanceTypeId: z.string({ error: "Choose an instance type." }).trim().min(1, "Choose an instance type.").max(64, "Choose an instance type."),
  regionId: z.string().trim().min(1, "Choose a region.").max(64, "Choose a region.").optional(),
  /** Defaults to now. */
  from: z.coerce.date({ error: "Enter the first day as a date." }).optional(),
  days: z.coerce.number({ error: daysMessage }).int(daysMessage).min(1, daysMessage).max(MAX_CALENDAR_DAYS, daysMessage).default(14),
  bucket: z.enum(["day", "hour"], { error: "Show availability by day or by hour." }).default("day"),
});
export type AvailabilityInput = z.input<typeof availabilityInput>;

/** The calendar for a member or key of a team: what the console's reservation page shows. */
export async function getAvailability(ctx: ComputeContext, rawInput: AvailabilityInput): Promise<AvailabilityCalendar> {
  requireCompute(ctx, "compute:read");
  const input = availabilityInput.parse(rawInput);
  return availabilityCalendar(ctx.db, { ...input, from: input.from ?? ctx.now() });
}
const BUCKET_SECONDS: Record<CalendarBucket, number> = { day: 86_400, hour: 3_600 };

/** The start of the UTC day or hour that `at` falls in. */
export function bucketStart(at: Date, bucket: CalendarBucket): Date {
  const ms = BUCKET_SECONDS[bucket] * 1000;
  return new Date(Math.floor(at.getTime() / ms) * ms);
}

/**
 * Availability for the console's calendar. The database does the part it is good at, in one
 * query: the allocations of the type's hosts that overlap the horizon, each reduced to the host's
 * position, the slot and the bucket indexes it touches [i0, i1), sent back as one bytea of packed
 * integers rather than tens of thousands of rows. The
 * rest is linear work on typed arrays: per host and bucket a bitmask of the slots held at any time
 * in it (so a slot held twice in one bucket counts once), then the instances that still fit.
 */
export async function availabilityCalendar(db: Db | Tx, q: AvailabilityQuery): Promise<AvailabilityCalendar> {
  if (!Number.isInteger(q.days) || q.days < 1 || q.days > MAX_CALENDAR_DAYS) throw new RangeError(`days must be 1 to ${MAX_CALENDAR_DAYS}`);
  const type = await requireInstanceType(db, q.instanceTypeId);
  const step = BUCKET_SECONDS[q.bucket];
  const from = bucketStart(q.from, q.bucket);
  const n = (q.days * 86_400) / step;
  const to = new Date(from.getTime() + n * step * 1000);
  const k = type.gpuCount;
  const fromParam = sql`${ts(from)}::timestamptz`;
  const toParam = sql`${ts(to)}::timestamptz`;
  const pool = sql`
    select h.id, h.region_id, h.gpu_slots, (row_number() over (order by r.sort_order, h.region_id, h.id))::int - 1 as ord
    from hosts h join regions r on r.id = h.region_id
    where h.gpu_model = ${type.gpuModel} and h.state = 'active' and h.gpu_slots >= ${k} ${q.regionId ? sql`and h.region_id = ${q.regionId}` : sql``}`;

  const hostRows = await rowsOf<{ regionId: string; gpuSlots: number }>(db, sql`select region_id as "regionId", gpu_slots as "gpuSlots" from (${pool}) p order by ord`);
  // Two 32-bit integers per allocation, packed into one bytea: host·64 + slot (slots are below
  // 64), and i0·4096 + i1 (at most 2,160 buckets). Decoding bytes is several times cheaper than
  // parsing integer arrays, and date_part's float arithmetic cheaper than extract's numeric.
  const fromEpoch = from.getTime() / 1000;
  const [held] = await rowsOf<{ packed: Uint8Array | null }>(
    db,
    sql`
      with pool as (${pool})
      select string_agg(
        int4send(p.ord * 64 + a.slot)
        || int4send(
          greatest(0, floor((date_part('epoch', a.starts_at) - ${fromEpoch}::float8) / ${step}::int))::int * 4096
          + case when a.ends_at is null or a.ends_at >= ${toParam} then ${n}::int
                 else ceil((date_part('epoch', a.ends_at) - ${fromEpoch}::float8) / ${step}::int)::int end),
        ''::bytea) as packed
      from allocations a join pool p on p.id = a.host_id
      where a.starts_at < ${toParam} and (a.ends_at is null or a.ends_at > ${fromParam})`,
  );

  // Slots are numbered below 64 (the catalog allows at most 64 GPUs per host): two 32-bit words.
  const low = new Uint32Array(hostRows.length * n);
  const high = new Uint32Array(hostRows.length * n);
  const packed = held?.packed ?? new Uint8Array(0);
  const view = new DataView(packed.buffer, packed.byteOffset, packed.byteLength);
  for (let offset = 0; offset < packed.byteLength; offset += 8) {
    const where = view.getInt32(offset);
    const span = view.getInt32(offset + 4);
    const slot = where % 64;
    const words = slot < 32 ? low : high;
    const bit = (1 << slot % 32) >>> 0;
    const base = Math.floor(where / 64) * n;
    for (let b = Math.floor(span / 4096), end = span % 4096; b < end; b++) words[base + b] = (words[base + b]! | bit) >>> 0;
  }

  const regions: AvailabilityCalendar["regions"] = [];
  hostRows.forEach((host, h) => {
    let region = regions.at(-1);
    if (!region || region.regionId !== host.regionId) regions.push((region = { regionId: host.regionId, instances: new Array<number>(n).fill(0) }));
    for (let b = 0; b < n; b++) {
      const busy = popcount(low[h * n + b]!) + popcount(high[h * n + b]!);
      region.instances[b]! += Math.floor((host.gpuSlots - busy) / k);
    }
  });
  return {
    instanceTypeId: type.id,
    bucket: q.bucket,
    from,
    to,
    starts: Array.from({ length: n }, (_, i) => new Date(from.getTime() + i * step * 1000)),
    regions,
  };
}

function popcount(x: number): number {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return (((x + (x >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
}
