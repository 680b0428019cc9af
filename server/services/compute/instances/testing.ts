import { eq } from "drizzle-orm";
import type { Db } from "@/server/db";
import { newId } from "@/server/db/ids";
import { instances, reservations } from "@/server/db/schema";
import type { Logger } from "../../context";
import { createTestUser } from "../../testing";
import { allocate } from "../capacity";
import { testComputeCatalog } from "../capacity/testing";
import { computeContextOf, type ComputeContext } from "../context";
import { createSimulatedDriver, type SimulatedDriverOptions } from "../drivers/simulated";
import { seedComputeCatalog } from "../fleet";
import { insertTestSshKey } from "../ssh-keys/testing";
import type { LifecycleDeps } from "./lifecycle";
import type { LaunchInstanceInput } from "./schemas";

/** Test-only helpers for instances: a small fleet, a controllable clock, members with SSH keys. */

export const quietLog: Logger = { info() {}, warn() {}, error() {} };

/** Regions r1 and r2 with `hostsPerRegion` 8-slot hosts of GPU model X; types x1, x2, x4, x8 (x1: $2/h). */
export async function seedTestFleet(db: Db, options: { hostsPerRegion?: number } = {}) {
  const catalog = testComputeCatalog({ regions: 2, hostsPerRegion: options.hostsPerRegion ?? 2 });
  await seedComputeCatalog(db, catalog);
  return catalog;
}

export interface TestClock {
  now: () => Date;
  advance(seconds: number): Date;
  set(at: Date): void;
}

export function testClock(start = new Date()): TestClock {
  let at = start.getTime();
  return {
    now: () => new Date(at),
    advance: (seconds) => new Date((at += Math.round(seconds * 1000))),
    set: (date) => {
      at = date.getTime();
    },
  };
}

/** A person with a team, an SSH key in it, and a compute context on the given clock. */
export async function computeMember(db: Db, name: string, now: () => Date = () => new Date()) {
  const user = await createTestUser(db, name);
  const ctx: ComputeContext = { ...computeContextOf(await user.teamCtx()), now };
  const sshKey = await insertTestSshKey(db, user.team.id);
  const launch = (overrides: Partial<LaunchInstanceInput> = {}): LaunchInstanceInput => ({
    name: "trainer-1",
    instanceTypeId: "x1",
    regionId: "r1",
    image: "ubuntu-24.04-cuda-12.8",
    sshKeyIds: [sshKey.id],
    ...overrides,
  });
  return { ...user, ctx, sshKey, launch };
}

export function simulatedDeps(db: Db, now: () => Date, options: Partial<Omit<SimulatedDriverOptions, "db" | "now">> = {}) {
  const driver = createSimulatedDriver({ db, now, bootSeconds: 5, failureRate: 0, ...options });
  const deps: LifecycleDeps = { db, driver, now, log: quietLog };
  return { driver, deps };
}

/** A reservation row with its slots allocated, as the reservations service would leave it. */
export async function insertTestReservation(
  db: Db,
  teamId: string,
  options: { instanceTypeId?: string; regionId?: string; instanceCount?: number; startsAt: Date; endsAt: Date; gpusPerInstance?: number },
) {
  const id = newId("res");
  await db.transaction(async (tx) => {
    await tx.insert(reservations).values({
      id,
      teamId,
      name: `Block ${id.slice(-4)}`,
      instanceTypeId: options.instanceTypeId ?? "x1",
      regionId: options.regionId ?? "r1",
      instanceCount: options.instanceCount ?? 1,
      startsAt: options.startsAt,
      endsAt: options.endsAt,
      state: "active",
      priceNano: 0n,
    });
    await allocate(tx, {
      regionId: options.regionId ?? "r1",
      gpuModel: "X",
      gpusPerInstance: options.gpusPerInstance ?? 1,
      instances: options.instanceCount ?? 1,
      startsAt: options.startsAt,
      endsAt: options.endsAt,
      teamId,
      ownerType: "reservation",
      ownerId: id,
    });
  });
  return id;
}

export async function instanceRow(db: Db, instanceId: string) {
  const [row] = await db.select().from(instances).where(eq(instances.id, instanceId));
  if (!row) throw new Error(`no instance ${instanceId}`);
  return row;
}

/**
 * Test-only: an instance row straight into `instances` (no allocation, no event, no audit), for
 * tests that need one to exist in some team, e.g. the router's isolation and role tables. Needs the
 * compute catalog seeded (the default one: gpu-1x-l40s in us-east-1).
 */
export async function insertTestInstance(
  db: Db,
  teamId: string,
  overrides: { name?: string; instanceTypeId?: string; regionId?: string; state?: "pending" | "running" } = {},
): Promise<{ id: string }> {
  const id = newId("ins");
  const now = new Date();
  await db.insert(instances).values({
    id,
    teamId,
    name: overrides.name ?? `test-${id.slice(-6).toLowerCase()}`,
    instanceTypeId: overrides.instanceTypeId ?? "gpu-1x-l40s",
    regionId: overrides.regionId ?? "us-east-1",
    image: "ubuntu-24.04-cuda-12.8",
    state: overrides.state ?? "pending",
    sshKeys: [],
    priceNanoPerHour: 1_190_000_000n,
    createdAt: now,
    updatedAt: now,
  });
  return { id };
}
