import { like } from "drizzle-orm";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { openTestDatabase } from "@/server/db/testing";
import { teamSpend, usageEvents, usageRollups, type UsageProduct } from "@/server/db/schema";
import { rebuildRollups } from "./rollups";
import { insertUsageEvents, type UsageEvent } from "./usage-writer";

/**
 * Property: whatever events arrive, in whatever batches, retried or duplicated, the hour and day
 * rollups and each team's monthly spend equal the sums of the events recorded, with buckets on UTC
 * boundaries; and rebuilding the rollups from the ledger gives exactly the same rows.
 */

const { db } = await openTestDatabase();

/** Instants where hours, days, months and years turn over in UTC (and a leap day). */
const BOUNDARIES = [
  "2026-01-01T00:00:00.000Z",
  "2026-03-01T00:00:00.000Z",
  "2024-03-01T00:00:00.000Z",
  "2026-11-15T00:00:00.000Z",
  "2026-11-15T13:00:00.000Z",
].map((s) => Date.parse(s));

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

const instant = fc
  .tuple(
    fc.constantFrom(...BOUNDARIES),
    fc.oneof(fc.constantFrom(0, -1, 1, -999, HOUR - 1, -HOUR, DAY - 1), fc.integer({ min: -2 * DAY, max: 2 * DAY })),
  )
  .map(([base, offset]) => new Date(base + offset));

const PRODUCTS: UsageProduct[] = ["model_tokens", "instance_hours", "reservation"];

/** Events before ids and teams are made unique to one run; small pools so that groups collide. */
const eventShape = fc.record({
  idIndex: fc.integer({ min: 0, max: 40 }),
  teamIndex: fc.integer({ min: 0, max: 2 }),
  product: fc.constantFrom(...PRODUCTS),
  apiKeyId: fc.constantFrom(null, "key_a", "key_b"),
  userId: fc.constantFrom(null, "usr_a", "usr_b"),
  model: fc.constantFrom(null, "model-x", "model/y"),
  instanceTypeId: fc.constantFrom(null, "gpu-1x", "gpu-8x"),
  status: fc.constantFrom("ok" as const, "ok" as const, "error" as const, "cancelled" as const),
  inputTokens: fc.nat({ max: 1_000_000 }),
  outputTokens: fc.nat({ max: 1_000_000 }),
  quantitySeconds: fc.option(fc.integer({ min: -1_000_000, max: 1_000_000 }), { nil: null }),
  // Refunds are negative; large values check that nothing goes through a float.
  costNano: fc.bigInt({ min: -(10n ** 12n), max: 10n ** 15n }),
  createdAt: instant,
});

const scenario = fc.record({
  events: fc.array(eventShape, { minLength: 1, maxLength: 60 }),
  /** Where the list is cut into batches, as the writer does. */
  cuts: fc.uniqueArray(fc.integer({ min: 1, max: 59 }), { maxLength: 6 }),
  /** A batch sent again, as after a failed acknowledgement. */
  retried: fc.option(fc.nat(), { nil: null }),
});

type Sums = { requests: number; errors: number; inputTokens: number; outputTokens: number; quantitySeconds: number; costNano: bigint };

function add(map: Map<string, Sums>, key: string, e: UsageEvent) {
  const s = map.get(key) ?? { requests: 0, errors: 0, inputTokens: 0, outputTokens: 0, quantitySeconds: 0, costNano: 0n };
  s.requests += 1;
  s.errors += e.status === "ok" ? 0 : 1;
  s.inputTokens += e.inputTokens ?? 0;
  s.outputTokens += e.outputTokens ?? 0;
  s.quantitySeconds += e.quantitySeconds ?? 0;
  s.costNano += e.costNano;
  map.set(key, s);
}

function bucketOf(at: Date, granularity: "hour" | "day"): string {
  const t = at.getTime();
  return new Date(t - (t % (granularity === "hour" ? HOUR : DAY))).toISOString();
}

function monthOf(at: Date): string {
  return `${at.getUTCFullYear()}-${String(at.getUTCMonth() + 1).padStart(2, "0")}-01`;
}

const rollupKey = (teamId: string, granularity: string, bucket: string, product: string, key: string, user: string, model: string, type: string) =>
  [teamId, granularity, bucket, product, key, user, model, type].join("|");

async function snapshot(prefix: string) {
  const rollups = await db.select().from(usageRollups).where(like(usageRollups.teamId, `${prefix}%`));
  const months = await db.select().from(teamSpend).where(like(teamSpend.teamId, `${prefix}%`));
  return {
    rollups: new Map(
      rollups.map((r) => [
        rollupKey(r.teamId, r.granularity, r.bucket.toISOString(), r.product, r.apiKeyId, r.userId, r.model, r.instanceTypeId),
        { requests: r.requests, errors: r.errors, inputTokens: r.inputTokens, outputTokens: r.outputTokens, quantitySeconds: r.quantitySeconds, costNano: r.costNano },
      ]),
    ),
    months: new Map(months.map((m) => [`${m.teamId}|${m.month}`, { spentNano: m.spentNano, reservedNano: m.reservedNano }])),
  };
}

let run = 0;

describe("usage rollups (property)", () => {
  it("equal the sums of the recorded events for every hour, day and month, and rebuild to the same rows", async () => {
    await fc.assert(
      fc.asyncProperty(scenario, async ({ events: shapes, cuts, retried }) => {
        run += 1;
        const prefix = `team_prop${run}_`;
        const events: UsageEvent[] = shapes.map(({ idIndex, teamIndex, ...e }) => ({
          ...e,
          id: `use_prop${run}_${idIndex}`,
          teamId: `${prefix}${teamIndex}`,
          source: "api",
        }));

        const bounds = [0, ...cuts.filter((c) => c < events.length).sort((a, b) => a - b), events.length];
        const batches = bounds.slice(1).map((end, i) => events.slice(bounds[i], end)).filter((b) => b.length > 0);
        let written = 0;
        for (const batch of batches) written += await insertUsageEvents(db, batch);
        if (retried !== null) expect(await insertUsageEvents(db, batches[retried % batches.length]!)).toBe(0);

        // The first event with an id is the one recorded; later ones with the same id change nothing.
        const recorded = new Map<string, UsageEvent>();
        for (const e of events) if (!recorded.has(e.id)) recorded.set(e.id, e);
        expect(written).toBe(recorded.size);
        const stored = await db.select({ id: usageEvents.id, costNano: usageEvents.costNano, createdAt: usageEvents.createdAt }).from(usageEvents).where(like(usageEvents.teamId, `${prefix}%`));
        expect(new Map(stored.map((s) => [s.id, [s.costNano, s.createdAt.getTime()]]))).toEqual(
          new Map([...recorded.values()].map((e) => [e.id, [e.costNano, e.createdAt.getTime()]])),
        );

        const rollups = new Map<string, Sums>();
        const months = new Map<string, { spentNano: bigint; reservedNano: bigint }>();
        const daysByMonth = new Map<string, bigint>();
        for (const e of recorded.values()) {
          for (const granularity of ["hour", "day"] as const) {
            add(rollups, rollupKey(e.teamId, granularity, bucketOf(e.createdAt, granularity), e.product!, e.apiKeyId ?? "", e.userId ?? "", e.model ?? "", e.instanceTypeId ?? ""), e);
          }
          const month = `${e.teamId}|${monthOf(e.createdAt)}`;
          const m = months.get(month) ?? { spentNano: 0n, reservedNano: 0n };
          m.spentNano += e.costNano;
          months.set(month, m);
        }

        const before = await snapshot(prefix);
        expect(before.rollups).toEqual(rollups);
        expect(before.months).toEqual(months);
        // A month is also the sum of its day rollups, and of its hour rollups.
        for (const [key, sums] of before.rollups) {
          const [teamId, granularity, bucket] = key.split("|");
          const month = `${teamId}|${bucket!.slice(0, 7)}-01|${granularity}`;
          daysByMonth.set(month, (daysByMonth.get(month) ?? 0n) + sums.costNano);
        }
        for (const [month, m] of months) {
          expect(daysByMonth.get(`${month}|day`)).toBe(m.spentNano);
          expect(daysByMonth.get(`${month}|hour`)).toBe(m.spentNano);
        }

        for (const teamId of new Set(events.map((e) => e.teamId))) await rebuildRollups(db, teamId);
        expect(await snapshot(prefix)).toEqual(before);
      }),
      // A failure prints its seed and path; FC_SEED replays it.
      { numRuns: 40, ...(process.env.FC_SEED ? { seed: Number(process.env.FC_SEED) } : {}) },
    );
  });

  it("a rebuild after a rollup was lost or damaged restores it, and keeps reservations in flight", async () => {
    const teamId = "team_rebuild_case";
    const at = new Date("2026-11-30T23:30:00.000Z");
    await insertUsageEvents(db, [
      { id: "use_rb_1", teamId, product: "model_tokens", model: "m", source: "api", inputTokens: 5, outputTokens: 7, costNano: 1_000n, status: "ok", createdAt: at },
      { id: "use_rb_2", teamId, product: "model_tokens", model: "m", source: "api", inputTokens: 1, outputTokens: 1, costNano: 10n, status: "ok", createdAt: new Date(at.getTime() + HOUR) },
    ]);
    const before = await snapshot(teamId);
    await db.update(usageRollups).set({ costNano: 999n }).where(like(usageRollups.teamId, teamId));
    await db.update(teamSpend).set({ spentNano: 0n, reservedNano: 77n }).where(like(teamSpend.teamId, teamId));
    const rebuilt = await rebuildRollups(db, teamId);
    expect(rebuilt).toEqual({ rollups: 4, months: 2 });
    const after = await snapshot(teamId);
    expect(after.rollups).toEqual(before.rollups);
    expect(after.months.get(`${teamId}|2026-11-01`)).toEqual({ spentNano: 1_000n, reservedNano: 77n });
    expect(after.months.get(`${teamId}|2026-12-01`)).toEqual({ spentNano: 10n, reservedNano: 77n });
  });
});
