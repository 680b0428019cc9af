import { z } from "zod";
import type { InstanceState } from "@/server/db/schema";

/**
 * Input schemas and constants for instances, shared by the service, the tRPC door, the public API
 * and the console's forms. Keep this file free of server-only imports: "use client" components
 * import it.
 */

export const INSTANCE_IMAGES = [
  { id: "ubuntu-24.04-cuda-12.8", name: "Ubuntu 24.04 · CUDA 12.8", description: "NVIDIA driver 570, CUDA 12.8, cuDNN 9, Docker with the NVIDIA container toolkit." },
  { id: "ubuntu-22.04-cuda-12.4", name: "Ubuntu 22.04 · CUDA 12.4", description: "NVIDIA driver 550, CUDA 12.4, cuDNN 9, Docker with the NVIDIA container toolkit." },
  { id: "ubuntu-24.04-pytorch-2.7", name: "Ubuntu 24.04 · PyTorch 2.7", description: "CUDA 12.8 with PyTorch 2.7, torchvision, Hugging Face transformers and JupyterLab." },
] as const;

export type InstanceImageId = (typeof INSTANCE_IMAGES)[number]["id"];
export type InstanceImage = (typeof INSTANCE_IMAGES)[number];

export const INSTANCE_STATES = ["pending", "provisioning", "running", "stopping", "terminated", "failed"] as const satisfies readonly InstanceState[];

/** States in which an instance holds capacity and can still be terminated. */
export const LIVE_STATES = ["pending", "provisioning", "running", "stopping"] as const satisfies readonly InstanceState[];

export const INSTANCE_NAME_MAX = 64;

const imageIds = INSTANCE_IMAGES.map((i) => i.id) as [InstanceImageId, ...InstanceImageId[]];
const nameMessage = `Use 1 to ${INSTANCE_NAME_MAX} letters, digits, dots, dashes or underscores, starting with a letter or digit.`;

export const instanceNameSchema = z
  .string({ error: "Enter a name for the instance." })
  .trim()
  .min(1, "Enter a name for the instance.")
  .max(INSTANCE_NAME_MAX, nameMessage)
  // It becomes the machine's hostname, hence the hostname-friendly alphabet.
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, nameMessage);

export const launchInstanceInput = z.object({
  name: instanceNameSchema,
  instanceTypeId: z.string({ error: "Choose an instance type." }).trim().min(1, "Choose an instance type.").max(64, "Unknown instance type."),
  regionId: z.string({ error: "Choose a region." }).trim().min(1, "Choose a region.").max(64, "Unknown region."),
  image: z.enum(imageIds, { error: `Choose an image: ${imageIds.join(", ")}.` }),
  sshKeyIds: z
    .array(z.string().min(1).max(64), { error: "Choose at least one SSH key." })
    // Without a key nobody could ever log in to the machine.
    .min(1, "Choose at least one SSH key so that you can log in."),
  /** Launch into this capacity block instead of on demand. */
  reservationId: z.string().trim().min(1).max(64).optional(),
  /** Same key and body: the same instance; same key, other body: refused. Scoped to the team. */
  idempotencyKey: z.string().min(1, "The idempotency key cannot be empty.").max(255, "Use at most 255 characters for the idempotency key.").optional(),
});
export type LaunchInstanceInput = z.input<typeof launchInstanceInput>;

export const instanceIdInput = z.object({ instanceId: z.string().min(1).max(64) });
export type InstanceIdInput = z.input<typeof instanceIdInput>;

export const listInstancesInput = z.object({
  /** One state, or "live" for every state that still holds capacity. */
  state: z.enum([...INSTANCE_STATES, "live"]).optional(),
});
export type ListInstancesInput = z.input<typeof listInstancesInput>;

export const INSTANCE_STATE_LABELS: Record<InstanceState, string> = {
  pending: "Pending",
  provisioning: "Provisioning",
  running: "Running",
  stopping: "Stopping",
  terminated: "Terminated",
  failed: "Failed",
};

/** Labels for the Activity page, in the same voice as its other entries ("created API key"). */
export const INSTANCE_AUDIT_LABELS: Record<string, string> = {
  "instance.launched": "launched instance",
  "instance.terminated": "terminated instance",
};
