import type { InstanceState, ReservationState } from "@/server/db/schema/compute";
import { StatusPill, type StatusTone } from "@/components/ui/status-pill";

const INSTANCE: Record<InstanceState, { label: string; tone: StatusTone; busy: boolean }> = {
  pending: { label: "Pending", tone: "blue", busy: true },
  provisioning: { label: "Provisioning", tone: "blue", busy: true },
  running: { label: "Running", tone: "green", busy: false },
  stopping: { label: "Stopping", tone: "amber", busy: true },
  terminated: { label: "Terminated", tone: "gray", busy: false },
  failed: { label: "Failed", tone: "red", busy: false },
};

/** States an instance passes through on its own; pages poll while one is in them. */
export const CHANGING_INSTANCE_STATES: readonly InstanceState[] = ["pending", "provisioning", "stopping"];

export function InstanceStateBadge({ state }: { state: InstanceState }) {
  const s = INSTANCE[state];
  return <StatusPill tone={s.tone} label={s.label} busy={s.busy} />;
}

export const INSTANCE_STATE_LABELS: Record<InstanceState, string> = Object.fromEntries(
  Object.entries(INSTANCE).map(([state, s]) => [state, s.label]),
) as Record<InstanceState, string>;

const RESERVATION: Record<ReservationState, { label: string; tone: StatusTone }> = {
  scheduled: { label: "Scheduled", tone: "blue" },
  active: { label: "Active", tone: "green" },
  completed: { label: "Completed", tone: "gray" },
  cancelled: { label: "Cancelled", tone: "red" },
};

export function ReservationStateBadge({ state }: { state: ReservationState }) {
  return <StatusPill tone={RESERVATION[state].tone} label={RESERVATION[state].label} />;
}
