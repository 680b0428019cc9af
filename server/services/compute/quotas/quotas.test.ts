import { and, eq, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import type { Tx } from "@/server/db";
import { newId } from "@/server/db/ids";
import { auditEvents, computeQuotas, instances, memberships, reservations, type InstanceState } from "@/server/db/schema";
import { openTestDatabase } from "@/server/db/testing";
import { callerFor } from "@/server/trpc/testing";
import { AppError } from "../../errors";
import { appErrorOf, createTestUser, testContext } from "../../testing";
import { computeContextOf, type ComputeContext } from "../context";
import { loadComputeCatalog, seedComputeCatalog } from "../fleet";
import { assertQuota, defaultGpuQuota, quotaUsage } from "./quotas";
import { setGpuQuota } from "./set-quota";

const database = await openTestDatabase();
const { db } = database;
await seedComputeCatalog(db, loadComputeCatalog());

const DEFAULT = defaultGpuQuota();
const MODELS = ["L40S", "A100 SXM", "H100 SXM", "H200", "B200"];

async function owner(name = "Quinn Quota") {
  const user = await createTestUser(db, name);
  return { ...user, ctx: computeContextOf(await user.teamCtx()) };
}

async function insertInstance(
  dbOrTx: typeof db | Tx,
  teamId: string,
  instanceTypeId: string,
  state: InstanceState = "running",
  reservationId: string | null = null,
) {
  const id = newId("ins");
  await dbOrTx.insert(instances).values({
    id,
    teamId,
    name: `quota-test-${id.slice(-6)}`,
    instanceTypeId,
    regionId: "us-east-1",
    image: "ubuntu-24.04-cuda",
    reservationId,
    state,
    sshKeys: [],
    priceNanoPerHour: reservationId ? 0n : 1n,
  });
  return id;
}

async function insertReservation(teamId: string) {
  const id = newId("res");
  const now = Date.now();
  await db.insert(reservations).values({
    id,
    teamId,
    name: "Block",
    instanceTypeId: "gpu-8x-h100-sxm",
    regionId: "us-east-1",
    instanceCount: 2,
    startsAt: new Date(now - 3_600_000),
    endsAt: new Date(now + 3_600_000),
    state: "active",
    priceNano: 1n,
  });
  return id;
}

/** What the instance launcher does: check the quota and insert the instance in one transaction. */
function launch(ctx: ComputeContext, instanceTypeId: string, gpuModel: string, gpus: number) {
  return db.transaction(async (tx) => {
    await assertQuota(tx, ctx, { gpuModel, additionalGpus: gpus });
    return insertInstance(tx, ctx.team.id, instanceTypeId, "pending");
  });
}

const usageOf = async (ctx: ComputeContext, model: string) => (await quotaUsage(ctx)).find((u) => u.gpuModel === model);

describe("quotaUsage", () => {
  it("lists every GPU model of the catalog in its order, at the default quota, nothing used", async () => {
    const o = await owner();
    expect(await quotaUsage(o.ctx)).toEqual(MODELS.map((gpuModel) => ({ gpuModel, maxGpus: DEFAULT, usedGpus: 0, overridden: false })));
  });

  it("counts GPUs of on-demand instances that hold capacity; not ended ones, reserved ones or other teams'", async () => {
    const o = await owner();
    const other = await owner();
    const reservationId = await insertReservation(o.team.id);
    const counted: [string, InstanceState][] = [
      ["gpu-8x-h100-sxm", "pending"],
      ["gpu-1x-h100-sxm", "provisioning"],
      ["gpu-1x-h100-sxm", "running"],
      ["gpu-1x-h100-sxm", "stopping"],
      ["gpu-8x-a100-80gb", "running"],
      ["gpu-1x-l40s", "running"],
    ];
    for (const [type, state] of counted) await insertInstance(db, o.team.id, type, state);
    await insertInstance(db, o.team.id, "gpu-8x-h100-sxm", "terminated");
    await insertInstance(db, o.team.id, "gpu-8x-h100-sxm", "failed");
    await insertInstance(db, o.team.id, "gpu-8x-h100-sxm", "running", reservationId);
    await insertInstance(db, other.team.id, "gpu-8x-h100-sxm", "running");

    const usage = await quotaUsage(o.ctx);
    expect(Object.fromEntries(usage.map((u) => [u.gpuModel, u.usedGpus]))).toEqual({ "L40S": 1, "A100 SXM": 8, "H100 SXM": 11, H200: 0, B200: 0 });
    expect((await usageOf(other.ctx, "H100 SXM"))?.usedGpus).toBe(8);
  });

  it("uses the team's own quota where it has one, the default elsewhere", async () => {
    const o = await owner();
    await db.insert(computeQuotas).values({ teamId: o.team.id, gpuModel: "H100 SXM", maxGpus: 64 });
    expect(await usageOf(o.ctx, "H100 SXM")).toEqual({ gpuModel: "H100 SXM", maxGpus: 64, usedGpus: 0, overridden: true });
    expect(await usageOf(o.ctx, "H200")).toEqual({ gpuModel: "H200", maxGpus: DEFAULT, usedGpus: 0, overridden: false });
    const stranger = await owner();
    expect((await usageOf(stranger.ctx, "H100 SXM"))?.maxGpus).toBe(DEFAULT);
  });

  it("is readable by every role through quotas.usage", async () => {
    const o = await owner();
    const viewer = await createTestUser(db, "Vic Viewer");
    await db.insert(memberships).values({ teamId: o.team.id, userId: viewer.userId, role: "viewer", createdAt: new Date() });
    const usage = await callerFor(db, viewer.userId).quotas.usage({ teamId: o.team.id });
    expect(usage.map((u) => u.gpuModel)).toEqual(MODELS);
  });
});

describe("assertQuota", () => {
  it("lets a launch through up to the quota exactly, and says what it would hold", async () => {
    const o = await owner();
    await insertInstance(db, o.team.id, "gpu-8x-h100-sxm");
    const check = await db.transaction((tx) => assertQuota(tx, o.ctx, { gpuModel: "H100 SXM", additionalGpus: DEFAULT - 8 }));
    expect(check).toEqual({ gpuModel: "H100 SXM", maxGpus: DEFAULT, usedGpus: 8, afterGpus: DEFAULT });
  });

  it("refuses a launch past the quota as a CONFLICT that names the numbers and what to do", async () => {
    const o = await owner();
    await db.insert(computeQuotas).values({ teamId: o.team.id, gpuModel: "H100 SXM", maxGpus: 16 });
    await insertInstance(db, o.team.id, "gpu-8x-h100-sxm");
    for (let i = 0; i < 4; i++) await insertInstance(db, o.team.id, "gpu-1x-h100-sxm");

    const error = await appErrorOf(launch(o.ctx, "gpu-8x-h100-sxm", "H100 SXM", 8));
    expect(error.code).toBe("CONFLICT");
    expect(error.message).toBe(
      "This launch needs 8 H100 SXM GPUs; your team uses 12 of its quota of 16. Terminate an instance or ask the provider to raise the quota.",
    );
    expect(error.details.quota).toEqual({ gpuModel: "H100 SXM", maxGpus: 16, usedGpus: 12, afterGpus: 20, requestedGpus: 8 });
    expect((await usageOf(o.ctx, "H100 SXM"))?.usedGpus).toBe(12);

    await db.update(computeQuotas).set({ maxGpus: 12 }).where(eq(computeQuotas.teamId, o.team.id));
    expect((await appErrorOf(launch(o.ctx, "gpu-1x-h100-sxm", "H100 SXM", 1))).message).toMatch(/^This launch needs 1 H100 SXM GPU; your team uses 12 of its quota of 12\./);
    await expect(launch(o.ctx, "gpu-8x-h200", "H200", 8)).resolves.toMatch(/^ins_/);
  });

  it("concurrent launches never take the team past its quota", async () => {
    const o = await owner();
    await db.insert(computeQuotas).values({ teamId: o.team.id, gpuModel: "H100 SXM", maxGpus: 16 });
    const results = await Promise.allSettled(Array.from({ length: 6 }, () => launch(o.ctx, "gpu-8x-h100-sxm", "H100 SXM", 8)));
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(2);
    for (const r of results) if (r.status === "rejected") expect((r.reason as AppError).code).toBe("CONFLICT");
    expect((await usageOf(o.ctx, "H100 SXM"))?.usedGpus).toBe(16);
  });

  it.runIf(database.driver === "postgres")(
    "PostgreSQL: a second launch waits on the first one's lock, then sees its instance and is refused",
    async () => {
      const o = await owner();
      await db.insert(computeQuotas).values({ teamId: o.team.id, gpuModel: "H100 SXM", maxGpus: 8 });
      let releaseFirst!: () => void;
      const firstMayCommit = new Promise<void>((resolve) => (releaseFirst = resolve));
      let firstInserted!: () => void;
      const firstHasInserted = new Promise<void>((resolve) => (firstInserted = resolve));

      const first = db.transaction(async (tx) => {
        await assertQuota(tx, o.ctx, { gpuModel: "H100 SXM", additionalGpus: 8 });
        await insertInstance(tx, o.team.id, "gpu-8x-h100-sxm", "pending");
        firstInserted();
        await firstMayCommit;
      });
      await firstHasInserted;

      let secondSettled = false;
      const second = launch(o.ctx, "gpu-8x-h100-sxm", "H100 SXM", 8).finally(() => (secondSettled = true));
      // Without the lock, the second launch would count 0 GPUs (the first has not committed) and pass.
      const waiting = async () => {
        const result = await db.execute(
          sql`select count(*)::int as n from pg_locks where locktype = 'advisory' and not granted and database = (select oid from pg_database where datname = current_database())`,
        );
        return (result as unknown as { rows: { n: number }[] }).rows[0]?.n ?? 0;
      };
      for (let i = 0; i < 200 && (await waiting()) === 0; i++) await new Promise((r) => setTimeout(r, 25));
      expect(await waiting()).toBe(1);
      expect(secondSettled).toBe(false);

      releaseFirst();
      await first;
      const error = await appErrorOf(second);
      expect(error.code).toBe("CONFLICT");
      expect(error.message).toMatch(/^This launch needs 8 H100 SXM GPUs; your team uses 8 of its quota of 8\./);
    },
  );

  it("locks per team and GPU model: another model or another team does not wait", async () => {
    const a = await owner();
    const b = await owner();
    await db.transaction(async (tx) => {
      await assertQuota(tx, a.ctx, { gpuModel: "H100 SXM", additionalGpus: 1 });
      // On PostgreSQL these run on other connections while the lock above is held; they must not block.
      if (database.driver === "postgres") {
        await expect(launch(a.ctx, "gpu-8x-h200", "H200", 8)).resolves.toMatch(/^ins_/);
        await expect(launch(b.ctx, "gpu-1x-h100-sxm", "H100 SXM", 1)).resolves.toMatch(/^ins_/);
      }
    });
  });
});

describe("setGpuQuota (the operator's CLI)", () => {
  const operator = testContext(db);
  const system = { ...operator, actor: { type: "system" as const } };

  it("sets, changes and resets a team's quota by slug or id, and records it in the team's activity", async () => {
    const o = await owner();
    await expect(setGpuQuota(system, { team: o.team.slug, gpuModel: "H100 SXM", maxGpus: 64 })).resolves.toEqual({
      team: { id: o.team.id, slug: o.team.slug, name: o.team.name },
      gpuModel: "H100 SXM",
      previous: DEFAULT,
      maxGpus: 64,
      overridden: true,
    });
    expect((await usageOf(o.ctx, "H100 SXM"))?.maxGpus).toBe(64);
    await expect(setGpuQuota(system, { team: o.team.id, gpuModel: "h100 sxm", maxGpus: 0 })).resolves.toMatchObject({ previous: 64, maxGpus: 0, gpuModel: "H100 SXM" });
    expect((await usageOf(o.ctx, "H100 SXM"))?.maxGpus).toBe(0);
    await expect(setGpuQuota(system, { team: o.team.slug, gpuModel: "H100 SXM", maxGpus: null })).resolves.toMatchObject({ previous: 0, maxGpus: DEFAULT, overridden: false });
    expect(await usageOf(o.ctx, "H100 SXM")).toMatchObject({ maxGpus: DEFAULT, overridden: false });

    const events = await db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.teamId, o.team.id), eq(auditEvents.action, "compute.quota_set")))
      .orderBy(auditEvents.createdAt);
    expect(events.map((e) => [e.actorType, e.metadata])).toEqual([
      ["system", { gpuModel: "H100 SXM", from: DEFAULT, to: 64, default: false }],
      ["system", { gpuModel: "H100 SXM", from: 64, to: 0, default: false }],
      ["system", { gpuModel: "H100 SXM", from: 0, to: DEFAULT, default: true }],
    ]);
  });

  it("names what is wrong: an unknown team, an unknown GPU model (listing the known ones), a bad number", async () => {
    const o = await owner();
    expect((await appErrorOf(setGpuQuota(system, { team: "no-such-team", gpuModel: "H100 SXM", maxGpus: 1 }))).message).toBe(
      "No team has the slug or id “no-such-team”.",
    );
    expect((await appErrorOf(setGpuQuota(system, { team: o.team.slug, gpuModel: "H1000", maxGpus: 1 }))).message).toBe(
      "Unknown GPU model “H1000”. Known models: A100 SXM, B200, H100 SXM, H200, L40S.",
    );
    for (const maxGpus of [-1, 1.5, 2_000_000]) {
      expect((await appErrorOf(setGpuQuota(system, { team: o.team.slug, gpuModel: "H100 SXM", maxGpus }))).code).toBe("BAD_REQUEST");
    }
  });
});
