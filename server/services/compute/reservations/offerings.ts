import { and, asc, eq, gte, sql } from "drizzle-orm";
import { hosts, regions } from "@/server/db/schema";
import { AppError } from "../../errors";
import { requireInstanceType, type InstanceTypeRow } from "../capacity";
import { rowsOf, ts } from "@/server/db/sql";
import { requireCompute, type ComputeContext } from "../context";
import { MAX_HORIZON_DAYS, MAX_OFFERINGS, searchOfferingsInput, type SearchOfferingsInput } from "./schemas";

export const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
/** Offerings in one region are at least this far apart, so that six of them show real choices. */
const OFFERING_SPACING_MS = DAY_MS;

export interface Offering {
  regionId: string;
  instanceTypeId: string;
  instanceCount: number;
  startsAt: Date;
  endsAt: Date;
  /** reserved price per hour × hours × instances, exact, charged up front. */
  priceNano: bigint;
}

export const ceilHour = (at: Date) => new Date(Math.ceil(at.getTime() / HOUR_MS) * HOUR_MS);
export const floorHour = (at: Date) => new Date(Math.floor(at.getTime() / HOUR_MS) * HOUR_MS);
const iso = (at: Date) => at.toISOString().replace(":00.000Z", " UTC").replace("T", " ");

export function reservationPrice(type: Pick<InstanceTypeRow, "reservedNanoPerHour">, hours: number, instanceCount: number): bigint {
  return type.reservedNanoPerHour * BigInt(hours) * BigInt(instanceCount);
}

/** A region's hosts of the type's GPU model, each slot with the ranges it is held over. */
interface RegionPool {
  regionId: string;
  hosts: { slots: [number, number][][] }[];
}

/**
 * Up to six blocks that can be bought now: `instanceCount` instances for `durationHours`, starting
 * on a whole hour between `earliestStart` (or now) and `latestEnd − duration`. The earliest start in
 * each region comes first, then later starts at least a day apart, taken round-robin across regions
 * so that the list shows both where and when; sorted by start.
 *
 * The search runs on a snapshot of the ledger read once: a block "fits" when enough hosts each have
 * `gpus per instance` slots free over the whole block (an instance keeps its GPUs throughout), and
 * the earliest fitting start at or after t is t itself or the end of some allocation, since
 * between two ends the window only ever meets more allocations. Buying re-checks everything.
 */
export async function searchOfferings(ctx: ComputeContext, rawInput: SearchOfferingsInput): Promise<Offering[]> {
  requireCompute(ctx, "compute:read");
  const input = searchOfferingsInput.parse(rawInput);
  const now = ctx.now();
  const type = await requireInstanceType(ctx.db, input.instanceTypeId);
  if (type.status !== "available") {
    throw AppError.field("BAD_REQUEST", "instanceTypeId", `${type.displayName} is deprecated and can no longer be reserved. Choose another instance type.`);
  }
  const durationMs = input.durationHours * HOUR_MS;
  const horizon = new Date(now.getTime() + MAX_HORIZON_DAYS * DAY_MS);
  if (input.latestEnd.getTime() > horizon.getTime()) {
    throw AppError.field("BAD_REQUEST", "latestEnd", `Reservations can end at most ${MAX_HORIZON_DAYS} days from now (${iso(floorHour(horizon))}).`);
  }
  const firstStart = ceilHour(new Date(Math.max(input.earliestStart.getTime(), now.getTime())));
  const lastStart = floorHour(new Date(input.latestEnd.getTime() - durationMs));
  if (lastStart.getTime() < firstStart.getTime()) {
    throw AppError.field(
      "BAD_REQUEST",
      "latestEnd",
      `There is no room for ${input.durationHours} hour${input.durationHours === 1 ? "" : "s"} between ${iso(firstStart)} and ${iso(input.latestEnd)} (blocks start on the hour, not in the past). Choose a later latest end or a shorter duration.`,
    );
  }

  const pools = await loadPools(ctx, type, input.regionId, firstStart, new Date(lastStart.getTime() + durationMs));
  const k = type.gpuCount;
  const capacityOf = (pool: RegionPool) => pool.hosts.reduce((n, h) => n + Math.floor(h.slots.length / k), 0);
  const largest = Math.max(0, ...pools.map(capacityOf));
  if (input.instanceCount > largest) {
    const where = input.regionId ? `in ${input.regionId}` : "in any one region";
    throw AppError.field(
      "BAD_REQUEST",
      "instanceCount",
      largest === 0
        ? `${type.displayName} is not offered ${input.regionId ? `in ${input.regionId}` : "anywhere"} right now.`
        : `At most ${largest} instance${largest === 1 ? "" : "s"} of ${type.displayName} fit ${where}, even with nothing else running: a block is in one region. Reserve fewer, or buy several blocks.`,
    );
  }

  const perRegion = pools.map((pool) => {
    const fits = (start: number) => countFitting(pool, k, start, start + durationMs, input.instanceCount) >= input.instanceCount;
    const ends = [...new Set(pool.hosts.flatMap((h) => h.slots.flatMap((ranges) => ranges.map(([, end]) => Math.ceil(end / HOUR_MS) * HOUR_MS))))]
      .filter((end) => Number.isFinite(end))
      .sort((a, b) => a - b);
    const earliestFrom = (t: number): number | null => {
      if (t > lastStart.getTime()) return null;
      if (fits(t)) return t;
      for (const end of ends) {
        if (end <= t) continue;
        if (end > lastStart.getTime()) return null;
        if (fits(end)) return end;
      }
      return null;
    };
    const starts: number[] = [];
    for (let t: number | null = firstStart.getTime(); starts.length < MAX_OFFERINGS; ) {
      const start = earliestFrom(t);
      if (start === null) break;
      starts.push(start);
      t = start + OFFERING_SPACING_MS;
    }
    return { regionId: pool.regionId, starts };
  });

  const picked: Offering[] = [];
  for (let round = 0; picked.length < MAX_OFFERINGS && perRegion.some((r) => r.starts.length > round); round++) {
    for (const region of perRegion) {
      const start = region.starts[round];
      if (start === undefined || picked.length >= MAX_OFFERINGS) continue;
      picked.push({
        regionId: region.regionId,
        instanceTypeId: type.id,
        instanceCount: input.instanceCount,
        startsAt: new Date(start),
        endsAt: new Date(start + durationMs),
        priceNano: reservationPrice(type, input.durationHours, input.instanceCount),
      });
    }
  }
  const order = new Map(pools.map((p, i) => [p.regionId, i]));
  return picked.sort((a, b) => a.startsAt.getTime() - b.startsAt.getTime() || order.get(a.regionId)! - order.get(b.regionId)!);
}

/** Instances that fit over [start, end), counting no further than `enough`. */
function countFitting(pool: RegionPool, k: number, start: number, end: number, enough: number): number {
  let fitting = 0;
  for (const host of pool.hosts) {
    let free = 0;
    for (const ranges of host.slots) if (!ranges.some(([s, e]) => s < end && start < e)) free++;
    fitting += Math.floor(free / k);
    if (fitting >= enough) break;
  }
  return fitting;
}

async function loadPools(ctx: ComputeContext, type: InstanceTypeRow, regionId: string | undefined, from: Date, to: Date): Promise<RegionPool[]> {
  if (regionId) {
    const [region] = await ctx.db.select({ id: regions.id }).from(regions).where(eq(regions.id, regionId)).limit(1);
    if (!region) throw AppError.field("BAD_REQUEST", "regionId", `Unknown region: ${regionId}. Choose one from the catalog.`);
  }
  const hostRows = await ctx.db
    .select({ id: hosts.id, regionId: hosts.regionId, gpuSlots: hosts.gpuSlots })
    .from(hosts)
    .innerJoin(regions, eq(regions.id, hosts.regionId))
    .where(and(eq(hosts.gpuModel, type.gpuModel), eq(hosts.state, "active"), gte(hosts.gpuSlots, type.gpuCount), regionId ? eq(hosts.regionId, regionId) : undefined))
    .orderBy(asc(regions.sortOrder), asc(hosts.regionId), asc(hosts.id));
  const held = await rowsOf<{ hostId: string; slot: number; startsAt: Date; endsAt: Date | null }>(
    ctx.db,
    sql`
      select a.host_id as "hostId", a.slot, a.starts_at as "startsAt", a.ends_at as "endsAt"
      from allocations a join hosts h on h.id = a.host_id
      where h.gpu_model = ${type.gpuModel} and h.state = 'active' ${regionId ? sql`and h.region_id = ${regionId}` : sql``}
        and tstzrange(a.starts_at, a.ends_at) && tstzrange(${ts(from)}::timestamptz, ${ts(to)}::timestamptz)`,
  );
  const pools: RegionPool[] = [];
  const byHost = new Map<string, [number, number][][]>();
  for (const h of hostRows) {
    let pool = pools.at(-1);
    if (!pool || pool.regionId !== h.regionId) pools.push((pool = { regionId: h.regionId, hosts: [] }));
    const slots = Array.from({ length: h.gpuSlots }, () => [] as [number, number][]);
    pool.hosts.push({ slots });
    byHost.set(h.id, slots);
  }
  for (const a of held) {
    byHost.get(a.hostId)?.[a.slot]?.push([new Date(a.startsAt).getTime(), a.endsAt ? new Date(a.endsAt).getTime() : Infinity]);
  }
  return pools;
}
