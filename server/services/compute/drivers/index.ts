import type { Db } from "@/server/db";
import { env } from "@/server/env";
import { createSimulatedDriver } from "./simulated";
import type { ComputeDriver } from "./types";

export { createSimulatedDriver, type SimulatedDriver, type SimulatedDriverOptions } from "./simulated";
export type { ComputeDriver, LaunchRequest, MachineState, MachineStatus } from "./types";

/**
 * The driver the worker uses. Only the simulated one exists today; a real one is added here behind
 * a COMPUTE_DRIVER variable (validated in server/env.ts) with its own credentials, and implements
 * ComputeDriver (see types.ts for what it must guarantee).
 */
export function driverFromEnv(db: Db): ComputeDriver {
  return createSimulatedDriver({ db, bootSeconds: env().SIMULATED_BOOT_SECONDS, failureRate: env().SIMULATED_FAILURE_RATE });
}
