import { and, eq, gte, isNull, lt, or, gt, sql } from "drizzle-orm";
import type { Tx } from "@/server/db";
import { isExclusionViolation } from "@/server/db/errors";
import { newId } from "@/server/db/ids";
import { allocations, type AllocationOwner } from "@/server/db/schema";
import { CapacityError } from "./errors";
import { preparedRowsOf, rowsOf, ts } from "@/server/db/sql";

export interface SlotRequest {
  regionId: string;
  gpuModel: string;
  gpusPerInstance: number;
  instances: number;
  startsAt: Date;
  endsAt: Date | null;
  teamId: string;
  ownerType: AllocationOwner;
  ownerId: string;
}

/** Where one instance's GPUs are: always one host, `slots.length` = GPUs per instance. */
export interface Placement {
  hostId: string;
  slots: number[];
}

export interface AllocationOwnerRef {
  ownerType: AllocationOwner;
  ownerId: string;
}

/**
 * Losing a race costs one retry with fresh data; after this many the fleet is either full or so
 * contended that the caller is better told to try again than kept waiting.
 */
const MAX_ATTEMPTS = 5;

/**
 * Hosts probed beyond the minimum, so that among them the fullest can be chosen (best fit keeps
 * whole hosts free for 8-GPU instances) while the choice stays random enough to spread.
 */
const SPARE_HOSTS = 4;

interface CandidateHost {
  hostId: string;
  gpuSlots: number;
  busy: number[];
}

/**
 * Places `instances` instances of `gpusPerInstance` GPUs each, every instance on one active host of
 * the region and GPU model, on slots free over the whole [startsAt, endsAt) (endsAt null: from
 * startsAt on, open-ended), and inserts one allocation row per slot inside the caller's transaction.
 *
 * The EXCLUDE constraint on allocations is what makes this correct under concurrency: the host
 * choice below is only a well-informed guess, the insert is the decision. A concurrent caller that
 * took one of the chosen slots first makes the insert fail with an exclusion violation; the insert
 * runs in a savepoint so that the caller's transaction survives, and the choice is made again on
 * fresh data. Throws CapacityError when the capacity is not there.
 */
export async function allocate(tx: Tx, request: SlotRequest): Promise<Placement[]> {
  validateRequest(request);
  for (let attempt = 1; ; attempt++) {
    const candidates = (await candidateHosts(tx, request)).map((host) => {
      const busy = new Set(host.busy);
      const free = Array.from({ length: host.gpuSlots }, (_, slot) => slot).filter((slot) => !busy.has(slot));
      return { hostId: host.hostId, free, fits: Math.floor(free.length / request.gpusPerInstance) };
    });
    const total = candidates.reduce((n, host) => n + host.fits, 0);
    if (total < request.instances) throw notEnoughCapacity(request, total);
    const placements = place(candidates, request);
    try {
      await tx.transaction((savepoint) => insertLocked(savepoint, placements, request));
      return placements;
    } catch (error) {
      if (!isExclusionViolation(error) && !isDeadlock(error)) throw error;
      if (attempt >= MAX_ATTEMPTS) {
        throw new CapacityError(
          `The ${request.gpuModel} capacity in ${request.regionId} is being taken by other customers right now and none could be held for you. Try again in a moment.`,
        );
      }
    }
  }
}

/** Keeps the capacity ledger's advisory locks apart from anyone else's (two-key form: class, object). */
const HOST_LOCK_CLASS = 727_073;

/**
 * Inserts one allocation row per placed slot, under per-host locks taken first, in one statement.
 *
 * Two transactions inserting overlapping rows at the same moment each find the other's row
 * in progress and wait for each other: PostgreSQL breaks that deadlock only after
 * deadlock_timeout (1 s), failing one of them. Holding a per-host lock (in a fixed order) while
 * inserting turns that into an orderly queue: the second waits for the first to commit and then
 * gets a plain exclusion violation at once. The locks are a one-time filter of the insert, so they
 * are all held before its first row; taken inside the caller's savepoint, a failed attempt lets go
 * of them, and a successful one keeps them until the transaction ends.
 */
async function insertLocked(savepoint: Tx, placements: Placement[], r: SlotRequest): Promise<void> {
  const hostIds = [...new Set(placements.map((p) => p.hostId))].sort();
  const endsAt = r.endsAt ? ts(r.endsAt) : null;
  const rows = placements.flatMap((p) =>
    p.slots.map((slot) => sql`(${newId("alc")}, ${p.hostId}, ${slot}::int, ${ts(r.startsAt)}::timestamptz, ${endsAt}::timestamptz, ${r.teamId}, ${r.ownerType}, ${r.ownerId})`),
  );
  // Prepared only in the common shape (one host, at most its 8 GPUs), so that a connection keeps a
  // handful of these statements rather than one per size of purchase.
  const run = hostIds.length === 1 && rows.length <= 8 ? preparedRowsOf : rowsOf;
  await run(
    savepoint,
    sql`
    insert into allocations (id, host_id, slot, starts_at, ends_at, team_id, owner_type, owner_id)
    select * from (values ${sql.join(rows, sql`, `)}) v
    where (
      select count(pg_advisory_xact_lock(${HOST_LOCK_CLASS}, hashtext(h)))
      from (select h from unnest(array[${sql.join(
        hostIds.map((id) => sql`${id}`),
        sql`, `,
      )}]::text[]) as h order by h) ordered
    ) > 0`,
  );
}

/** PostgreSQL's deadlock_detected: retried like a lost race, since that is what it is here. */
function isDeadlock(error: unknown): boolean {
  for (let e: unknown = error; e && typeof e === "object"; e = (e as { cause?: unknown }).cause) {
    if ((e as { code?: string }).code === "40P01") return true;
  }
  return false;
}

function validateRequest(r: SlotRequest): void {
  if (!Number.isInteger(r.instances) || r.instances < 1) throw new RangeError(`allocate: instances must be a positive integer, got ${r.instances}`);
  if (!Number.isInteger(r.gpusPerInstance) || r.gpusPerInstance < 1) {
    throw new RangeError(`allocate: gpusPerInstance must be a positive integer, got ${r.gpusPerInstance}`);
  }
  if (r.endsAt && r.endsAt.getTime() <= r.startsAt.getTime()) throw new RangeError("allocate: endsAt must be after startsAt");
}

/**
 * Hosts that fit at least one instance, found by probing the pool's hosts in random order and
 * stopping after `instances + SPARE_HOSTS` of them: each probe is one index lookup, so a purchase
 * costs the same whether the region has ten hosts or a thousand, and concurrent callers land on
 * different hosts instead of racing for the same one. When fewer come back, every host was probed,
 * and these are all there are. The overlap test is written to match allocations_host_end_idx, so
 * that a probe reads one or two index pages and no table rows.
 */
async function candidateHosts(tx: Tx, r: SlotRequest): Promise<CandidateHost[]> {
  return preparedRowsOf<CandidateHost>(
    tx,
    sql`
      select h.id as "hostId", h.gpu_slots as "gpuSlots", b.busy
      from (
        select id, gpu_slots from hosts
        where region_id = ${r.regionId} and gpu_model = ${r.gpuModel} and state = 'active' and gpu_slots >= ${r.gpusPerInstance}
        order by random()
      ) h
      cross join lateral (
        select coalesce(array_agg(distinct a.slot), '{}'::int[]) as busy from allocations a
        where a.host_id = h.id and coalesce(a.ends_at, 'infinity'::timestamptz) > ${ts(r.startsAt)}::timestamptz
          ${r.endsAt ? sql`and a.starts_at < ${ts(r.endsAt)}::timestamptz` : sql``}
      ) b
      where h.gpu_slots - cardinality(b.busy) >= ${r.gpusPerInstance}
      limit ${r.instances + SPARE_HOSTS}`,
  );
}

/** The fullest candidates first; one placement per instance, on random free slots (random again to spread). */
function place(candidates: { hostId: string; free: number[]; fits: number }[], r: SlotRequest): Placement[] {
  const placements: Placement[] = [];
  for (const host of [...candidates].sort((a, b) => a.free.length - b.free.length)) {
    const free = shuffle(host.free);
    for (let i = 0; i < host.fits && placements.length < r.instances; i++) {
      placements.push({ hostId: host.hostId, slots: free.slice(i * r.gpusPerInstance, (i + 1) * r.gpusPerInstance).sort((a, b) => a - b) });
    }
    if (placements.length === r.instances) break;
  }
  return placements;
}

function shuffle<T>(items: T[]): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
  return items;
}

function notEnoughCapacity(r: SlotRequest, fits: number): CapacityError {
  const what = `${r.instances} instance${r.instances === 1 ? "" : "s"} of ${r.gpusPerInstance}× ${r.gpuModel}`;
  const when = r.endsAt ? `from ${r.startsAt.toISOString()} to ${r.endsAt.toISOString()}` : `from ${r.startsAt.toISOString()} on`;
  const available = fits === 0 ? "none fit" : `only ${fits} fit${fits === 1 ? "s" : ""}`;
  return new CapacityError(`Not enough free capacity in ${r.regionId} for ${what} ${when}: ${available}. Try another region, a later time or fewer instances.`, {
    regionId: r.regionId,
    requested: r.instances,
    available: fits,
  });
}

/**
 * Ends the owner's hold on its slots at `at`: ranges still running past `at` (or open-ended) now
 * end there, and ranges that had not begun by `at` are removed. Running it again changes nothing.
 */
export async function releaseAllocations(tx: Tx, owner: AllocationOwnerRef, at: Date): Promise<void> {
  const ownedBy = and(eq(allocations.ownerType, owner.ownerType), eq(allocations.ownerId, owner.ownerId));
  await tx.delete(allocations).where(and(ownedBy, gte(allocations.startsAt, at)));
  await tx
    .update(allocations)
    .set({ endsAt: at })
    .where(and(ownedBy, lt(allocations.startsAt, at), or(isNull(allocations.endsAt), gt(allocations.endsAt, at))));
}

/**
 * Moves the end of the owner's allocations that end at `from` to `to`, keeping every slot it holds:
 * a reservation's instances must keep their GPUs when it is extended. Runs in a savepoint; when
 * some slot is taken after `from`, throws CapacityError and leaves the caller's transaction usable.
 * Returns the number of slots extended.
 */
export async function extendAllocations(tx: Tx, owner: AllocationOwnerRef, from: Date, to: Date): Promise<number> {
  if (to.getTime() <= from.getTime()) throw new RangeError("extendAllocations: the new end must be after the current one");
  try {
    return await tx.transaction(async (savepoint) => {
      const moved = await savepoint
        .update(allocations)
        .set({ endsAt: to })
        .where(and(eq(allocations.ownerType, owner.ownerType), eq(allocations.ownerId, owner.ownerId), eq(allocations.endsAt, from)))
        .returning({ id: allocations.id });
      return moved.length;
    });
  } catch (error) {
    if (!isExclusionViolation(error)) throw error;
    throw new CapacityError(
      `The same GPUs are not free from ${from.toISOString()} to ${to.toISOString()}: another booking follows on these hosts. The instances of a block keep their GPUs, so it cannot be extended that far; try fewer hours, or buy a new reservation.`,
    );
  }
}
