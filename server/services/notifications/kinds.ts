import type { NotificationKind } from "@/server/db/schema";

/** Every kind of team notification, in the order the account page lists them, with what each is about. */
export const NOTIFICATION_KINDS: { kind: NotificationKind; label: string; description: string }[] = [
  { kind: "budget_threshold", label: "Budget alerts", description: "The team's spend this month passed an alert threshold of its budget." },
  { kind: "budget_cap", label: "Budget cap reached", description: "The team reached its hard cap; new spend is refused until it is raised." },
  { kind: "instances_stopped_at_cap", label: "Instances stopped at the cap", description: "Instances were stopped because the team reached its budget cap." },
  { kind: "reservation_ending", label: "Capacity blocks ending", description: "A reserved capacity block ends soon, and the instances in it with it." },
];
