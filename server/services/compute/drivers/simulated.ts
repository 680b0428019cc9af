import { createHash } from "node:crypto";
import { eq } from "drizzle-orm";
import type { Db } from "@/server/db";
import { hosts, instances } from "@/server/db/schema";
import type { ComputeDriver, LaunchRequest, MachineStatus } from "./types";

export interface SimulatedDriverOptions {
  db: Db;
  /** Seconds from launch to running (SIMULATED_BOOT_SECONDS); tests use a fraction of a second. */
  bootSeconds: number;
  /** Share of launches, 0 to 1, whose machine fails its health checks at the end of boot. */
  failureRate: number;
  /** Default: three boots plus 30 s, the margin a real provider's slow boots need. */
  bootTimeoutSeconds?: number;
  now?: () => Date;
  random?: () => number;
}

export interface SimulatedDriver extends ComputeDriver {
  /** Marks the host failed: its machines report failed, and the capacity planner skips it. */
  simulateHostFailure(hostId: string): Promise<void>;
  restoreHost(hostId: string): Promise<void>;
}

const PREFIX = "sim";

/**
 * The embedded default: no machines, but the timing and failure modes of real ones.
 *
 * It keeps no state of its own, so a restarted worker sees exactly what the previous one saw. What
 * a real provider would remember is either encoded in the provider id (instance, host, launch time,
 * and whether this launch is doomed, decided once at launch) or read from the database (the
 * instance row, to know whether the machine was terminated; the host row, for host failures).
 * Terminating is therefore a no-op: the lifecycle moves the row to stopping/terminated, and a
 * machine whose row has moved on, or that a newer launch attempt replaced, reads as terminated.
 */
export function createSimulatedDriver(options: SimulatedDriverOptions): SimulatedDriver {
  const now = options.now ?? (() => new Date());
  const random = options.random ?? Math.random;
  const bootMs = Math.round(options.bootSeconds * 1000);

  return {
    name: "simulated",
    bootTimeoutSeconds: options.bootTimeoutSeconds ?? options.bootSeconds * 3 + 30,
    pollIntervalSeconds: Math.min(2, Math.max(0.2, options.bootSeconds / 4)),

    async launch(request: LaunchRequest) {
      const doomed = random() < options.failureRate;
      const providerId = [PREFIX, request.instanceId, request.host.id, now().getTime().toString(36), doomed ? "f" : "ok"].join(":");
      return { providerId };
    },

    async describe(providerId: string): Promise<MachineStatus> {
      const parsed = parse(providerId);
      if (!parsed) return { state: "terminated", message: "The provider does not know this machine." };
      const [row] = await options.db
        .select({ state: instances.state, providerId: instances.providerId })
        .from(instances)
        .where(eq(instances.id, parsed.instanceId));
      if (!row || row.providerId !== providerId || row.state === "terminated" || row.state === "failed") {
        return { state: "terminated" };
      }
      const [host] = await options.db.select({ state: hosts.state }).from(hosts).where(eq(hosts.id, parsed.hostId));
      if (!host || host.state === "failed") return { state: "failed", message: `Host ${parsed.hostId} stopped responding.` };
      if (now().getTime() < parsed.launchedAtMs + bootMs) return { state: "provisioning" };
      if (parsed.doomed) return { state: "failed", message: "The machine did not pass its health checks after boot." };
      return { state: "running", ipAddress: privateAddress(parsed.instanceId), sshUser: "ubuntu" };
    },

    async terminate() {},

    async simulateHostFailure(hostId: string) {
      await options.db.update(hosts).set({ state: "failed" }).where(eq(hosts.id, hostId));
    },

    async restoreHost(hostId: string) {
      await options.db.update(hosts).set({ state: "active" }).where(eq(hosts.id, hostId));
    },
  };
}

function parse(providerId: string) {
  const [prefix, instanceId, hostId, launchedAt, outcome, ...rest] = providerId.split(":");
  if (prefix !== PREFIX || !instanceId || !hostId || !launchedAt || !outcome || rest.length > 0) return null;
  const launchedAtMs = parseInt(launchedAt, 36);
  if (!Number.isFinite(launchedAtMs)) return null;
  return { instanceId, hostId, launchedAtMs, doomed: outcome === "f" };
}

/** A stable address in 10.0.0.0/8 per instance, never .0 or .255 in the last octet. */
function privateAddress(instanceId: string): string {
  const [a = 0, b = 0, c = 0] = createHash("sha256").update(instanceId).digest();
  return `10.${a}.${b}.${1 + (c % 254)}`;
}
