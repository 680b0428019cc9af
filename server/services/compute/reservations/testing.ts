import { randomUUID } from "node:crypto";
import { and, eq } from "drizzle-orm";
import type { Db } from "@/server/db";
import { memberships } from "@/server/db/schema";
import { testContext } from "../../testing";
import { enterTeam } from "../../teams/team-access";
import { requireInstanceType } from "../capacity";
import { computeContextOf } from "../context";
import { ceilHour, HOUR_MS, reservationPrice } from "./offerings";
import { purchaseReservation } from "./purchase";
import type { PurchaseReservationInput } from "./schemas";

export interface TestBlockOptions {
  instanceTypeId?: string;
  regionId?: string;
  /** Hours after the next whole hour; by default a random hour within the next ~40 days. */
  startsInHours?: number;
  hours?: number;
  instanceCount?: number;
}

/**
 * A valid purchase of a block at the current price, for tests of other layers. Random start hours
 * keep blocks bought by different tests apart, so that each can also be extended.
 */
export async function testPurchaseInput(db: Db, options: TestBlockOptions = {}): Promise<PurchaseReservationInput> {
  const instanceTypeId = options.instanceTypeId ?? "gpu-1x-h100-sxm";
  const type = await requireInstanceType(db, instanceTypeId);
  const hours = options.hours ?? 1;
  const instanceCount = options.instanceCount ?? 1;
  const startsAt = new Date(ceilHour(new Date()).getTime() + (options.startsInHours ?? 48 + Math.floor(Math.random() * 900)) * HOUR_MS);
  return {
    name: "Test block",
    regionId: options.regionId ?? "us-east-1",
    instanceTypeId,
    instanceCount,
    startsAt,
    endsAt: new Date(startsAt.getTime() + hours * HOUR_MS),
    priceNano: reservationPrice(type, hours, instanceCount),
    idempotencyKey: randomUUID(),
  };
}

/** Buys a block for the team through the real service, as its owner (needs the compute catalog seeded). */
export async function insertTestReservation(db: Db, teamId: string, options: TestBlockOptions = {}) {
  const [owner] = await db
    .select({ userId: memberships.userId })
    .from(memberships)
    .where(and(eq(memberships.teamId, teamId), eq(memberships.role, "owner")))
    .limit(1);
  if (!owner) throw new Error(`insertTestReservation: team ${teamId} has no owner`);
  const teamCtx = await enterTeam(testContext(db, owner.userId), { teamId });
  return purchaseReservation(computeContextOf(teamCtx), await testPurchaseInput(db, options));
}
