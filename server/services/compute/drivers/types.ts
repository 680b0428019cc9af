import type { InstanceSshKey } from "@/server/db/schema";

/**
 * What the instance lifecycle needs from whatever actually runs machines. The worker is the only
 * caller; services never talk to a driver, so a slow or failing provider never blocks a request.
 *
 * A real driver (a cloud API, a bare-metal controller, libvirt on the hosts…) plugs in by
 * implementing this interface and being returned by `driverFromEnv` (drivers/index.ts), chosen by
 * an environment variable. What it must guarantee:
 * - `launch` is idempotent per `clientToken`: the worker can die between the provider accepting a
 *   launch and the provider id being recorded, and then launches again with the same token. Pass the
 *   token to the provider's own idempotency mechanism (most APIs have a client token or request id),
 *   or look the machine up by a tag carrying it before creating one.
 * - `describe` reports the provider's view only; the lifecycle decides what it means for billing.
 * - `terminate` is idempotent: terminating a machine that is already gone succeeds.
 * - All state lives with the provider (or in the database), never in the driver object: the
 *   worker process can be restarted, or run as several replicas, at any moment.
 */
export interface ComputeDriver {
  readonly name: string;
  /** How long one launch attempt may take to reach running before the reconciler retries it. */
  readonly bootTimeoutSeconds: number;
  /** How long to wait between two `describe` calls while a machine boots. */
  readonly pollIntervalSeconds: number;
  launch(request: LaunchRequest): Promise<{ providerId: string }>;
  describe(providerId: string): Promise<MachineStatus>;
  terminate(providerId: string): Promise<void>;
}

export interface LaunchRequest {
  instanceId: string;
  /** Same value for a retry of the same attempt (see `launch` above); new for a new attempt. */
  clientToken: string;
  instanceType: { id: string; gpuModel: string; gpuCount: number; vcpus: number; ramGb: number; nvmeGb: number };
  region: { id: string; name: string };
  host: { id: string };
  /** The host's GPU slots this instance may use, e.g. [0, 1] for a 2-GPU instance. */
  slots: number[];
  image: string;
  sshKeys: InstanceSshKey[];
}

export type MachineState = "provisioning" | "running" | "failed" | "terminated";

export interface MachineStatus {
  state: MachineState;
  ipAddress?: string;
  sshUser?: string;
  /** For people: why it failed or ended, shown in the instance's events. */
  message?: string;
}
