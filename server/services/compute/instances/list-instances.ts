import { and, asc, desc, eq, inArray } from "drizzle-orm";
import type { Db } from "@/server/db";
import { instanceEvents, instances, instanceTypes, regions, users, type InstanceState } from "@/server/db/schema";
import { costForSeconds } from "../../metering/compute-usage";
import { AppError } from "../../errors";
import { requireCompute, type ComputeContext } from "../context";
import { billableSeconds } from "./metering";
import { INSTANCE_IMAGES, instanceIdInput, LIVE_STATES, listInstancesInput, type InstanceIdInput, type InstanceImage, type ListInstancesInput } from "./schemas";

export const INSTANCE_NOT_FOUND = "Instance not found.";

/** The most instances one list returns, newest first; the console shows live ones, and recent history. */
export const INSTANCE_LIST_LIMIT = 200;

export interface InstanceView {
  id: string;
  name: string;
  state: InstanceState;
  /** Why it failed or was terminated, for people. */
  stateReason: string | null;
  instanceType: { id: string; displayName: string; gpuModel: string; gpuCount: number };
  region: { id: string; name: string };
  image: string;
  reservationId: string | null;
  ipAddress: string | null;
  sshUser: string | null;
  /** `ssh ubuntu@10.1.2.3` once it runs, null before and after. */
  sshCommand: string | null;
  sshKeys: { id: string; name: string; fingerprint: string }[];
  /** Fixed at launch; 0 inside a reservation. */
  priceNanoPerHour: bigint;
  createdAt: Date;
  runningAt: Date | null;
  terminatedAt: Date | null;
  /** Whole seconds since it started running (until it ended); what is billed. */
  uptimeSeconds: number;
  /** Cost so far at the instance's price, per second; final once it has ended. */
  costNano: bigint;
  /** Null for an API key's launch, or once the member who launched it has deleted their account. */
  createdBy: { id: string; name: string } | null;
}

export interface InstanceEventView {
  fromState: InstanceState | null;
  toState: InstanceState;
  message: string | null;
  at: Date;
}

export interface InstanceDetail extends InstanceView {
  /** Every state change, oldest first. */
  events: InstanceEventView[];
}

export async function listInstances(ctx: ComputeContext, rawInput: ListInstancesInput = {}): Promise<InstanceView[]> {
  requireCompute(ctx, "compute:read");
  const input = listInstancesInput.parse(rawInput);
  const states: InstanceState[] | null = input.state === "live" ? [...LIVE_STATES] : input.state ? [input.state] : null;
  return selectViews(ctx.db, ctx.now(), and(eq(instances.teamId, ctx.team.id), states ? inArray(instances.state, states) : undefined), INSTANCE_LIST_LIMIT);
}

/** One of the team's instances with its events; NOT_FOUND for anyone else's, whether it exists or not. */
export async function getInstance(ctx: ComputeContext, rawInput: InstanceIdInput): Promise<InstanceDetail> {
  requireCompute(ctx, "compute:read");
  const { instanceId } = instanceIdInput.parse(rawInput);
  const view = await findInstanceView(ctx.db, ctx.team.id, instanceId, ctx.now());
  if (!view) throw new AppError("NOT_FOUND", INSTANCE_NOT_FOUND);
  const events = await ctx.db
    .select({ fromState: instanceEvents.fromState, toState: instanceEvents.toState, message: instanceEvents.message, at: instanceEvents.at })
    .from(instanceEvents)
    .where(and(eq(instanceEvents.teamId, ctx.team.id), eq(instanceEvents.instanceId, instanceId)))
    .orderBy(asc(instanceEvents.at), asc(instanceEvents.id));
  return { ...view, events: inLifecycleOrder(events) };
}

/**
 * Events by time; moves made within the same instant (the clock has millisecond steps) are put in
 * the order that chains them, each starting from the state the previous one ended in.
 */
function inLifecycleOrder(events: InstanceEventView[]): InstanceEventView[] {
  const remaining = [...events];
  const ordered: InstanceEventView[] = [];
  let state: InstanceState | null = null;
  while (remaining.length > 0) {
    const at = remaining[0]!.at.getTime();
    const next = remaining.find((e) => e.at.getTime() === at && e.fromState === state) ?? remaining[0]!;
    remaining.splice(remaining.indexOf(next), 1);
    ordered.push(next);
    state = next.toState;
  }
  return ordered;
}

/** The images an instance can boot from. */
export function listImages(ctx: ComputeContext): readonly InstanceImage[] {
  requireCompute(ctx, "compute:read");
  return INSTANCE_IMAGES;
}

export async function findInstanceView(db: Db, teamId: string, instanceId: string, now: Date): Promise<InstanceView | null> {
  const [view] = await selectViews(db, now, and(eq(instances.teamId, teamId), eq(instances.id, instanceId)), 1);
  return view ?? null;
}

async function selectViews(db: Db, now: Date, where: ReturnType<typeof and>, limit: number): Promise<InstanceView[]> {
  const rows = await db
    .select({
      instance: instances,
      typeName: instanceTypes.displayName,
      gpuModel: instanceTypes.gpuModel,
      gpuCount: instanceTypes.gpuCount,
      regionName: regions.name,
      creatorName: users.name,
    })
    .from(instances)
    .innerJoin(instanceTypes, eq(instanceTypes.id, instances.instanceTypeId))
    .innerJoin(regions, eq(regions.id, instances.regionId))
    .leftJoin(users, eq(users.id, instances.createdBy))
    .where(where)
    .orderBy(desc(instances.createdAt), desc(instances.id))
    .limit(limit);
  return rows.map(({ instance: i, ...joined }) => {
    const uptimeSeconds = billableSeconds(i.runningAt, i.terminatedAt ?? now);
    return {
      id: i.id,
      name: i.name,
      state: i.state,
      stateReason: i.stateReason,
      instanceType: { id: i.instanceTypeId, displayName: joined.typeName, gpuModel: joined.gpuModel, gpuCount: joined.gpuCount },
      region: { id: i.regionId, name: joined.regionName },
      image: i.image,
      reservationId: i.reservationId,
      ipAddress: i.ipAddress,
      sshUser: i.sshUser,
      sshCommand: i.state === "running" && i.ipAddress ? `ssh ${i.sshUser ?? "ubuntu"}@${i.ipAddress}` : null,
      sshKeys: i.sshKeys.map((k) => ({ id: k.id, name: k.name, fingerprint: k.fingerprint })),
      priceNanoPerHour: i.priceNanoPerHour,
      createdAt: i.createdAt,
      runningAt: i.runningAt,
      terminatedAt: i.terminatedAt,
      uptimeSeconds,
      costNano: costForSeconds(i.priceNanoPerHour, uptimeSeconds),
      createdBy: i.createdBy && joined.creatorName !== null ? { id: i.createdBy, name: joined.creatorName } : null,
    };
  });
}
