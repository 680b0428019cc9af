import type { InstanceState, ReservationState } from "@/server/db/schema/compute";
import { StatusPill, type StatusTone } from "@/components/ui/status-pill";
import { INSTANCE_STATE_LABELS } from "@/server/services/compute/instances/schemas";

const INSTANCE_TONES: Record<InstanceState, StatusTone> = {
  pending: "blue",
  provisioning: "blue",
  running: "green",
  stopping: "amber",
  terminated: "gray",
  failed: "red",
};

/** States an instance passes through on its own; pages poll while one is in them. */
export const CHANGING_INSTANCE_STATES: readonly InstanceState[] = ["pending", "provisioning", "stopping"];

export function InstanceStateBadge({ state }: { state: InstanceState }) {
  return <StatusPill tone={INSTANCE_TONES[state]} label={INSTANCE_STATE_LABELS[state]} busy={CHANGING_INSTANCE_STATES.includes(state)} />;
}

const RESERVATION: Record<ReservationState, { label: string; tone: StatusTone }> = {
  scheduled: { label: "Scheduled", tone: "blue" },
  active: { label: "Active", tone: "green" },
  completed: { label: "Completed", tone: "gray" },
  cancelled: { label: "Cancelled", tone: "red" },
};

export function ReservationStateBadge({ state }: { state: ReservationState }) {
  return <StatusPill tone={RESERVATION[state].tone} label={RESERVATION[state].label} />;
}
