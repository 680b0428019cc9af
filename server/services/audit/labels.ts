import { BILLING_AUDIT_LABELS } from "../billing/shared";
import { INSTANCE_AUDIT_LABELS } from "../compute/instances/schemas";
import { SSH_KEY_AUDIT_LABELS } from "../compute/ssh-keys/schemas";
import { PLAYGROUND_AUDIT_LABELS } from "../playground/schemas";

/**
 * How the audit log words its events, on the page ("Ada created API key “CI”") and in the CSV's
 * description column ("created API key “CI”"). No server imports: the page uses it in the browser.
 * Every action that code records should have a label here; coverage.test.ts checks it.
 */

/** Actions on something with a name, shown as "created API key “CI”" when the event carries `metadata.name`. */
const NAMED_ACTIONS: Record<string, string> = {
  "key.created": "created API key",
  "key.rotated": "rotated API key",
  "key.revoked": "revoked API key",
  ...PLAYGROUND_AUDIT_LABELS,
  ...SSH_KEY_AUDIT_LABELS,
  ...INSTANCE_AUDIT_LABELS,
  ...BILLING_AUDIT_LABELS,
  "reservation.purchased": "reserved capacity block",
  "reservation.extended": "extended capacity block",
  "reservation.cancelled": "cancelled capacity block",
  "reservation.started": "started capacity block",
  "reservation.completed": "ended capacity block",
};

/** Actions whose words do not depend on the event's details. */
const ACTION_LABELS: Record<string, string> = {
  "auth.signed_in": "signed in",
  "auth.sign_in_failed": "failed to sign in",
  "user.password_reset_requested": "asked for a password reset",
  "user.password_reset": "reset their password",
  "user.email_verified": "verified their email address",
  "member.invited": "invited someone",
  "invitation.resent": "resent an invitation",
  "invitation.revoked": "revoked an invitation",
  "invitation.accepted": "accepted an invitation and joined the team",
  "member.role_changed": "changed a member's role",
  "member.removed": "removed a member",
  "member.left": "left the team",
  "team.ownership_transferred": "transferred ownership of the team",
  "compute.quota_set": "changed a GPU quota",
  "budget.updated": "changed the monthly budget",
  "budget.removed": "removed the monthly budget",
  "team.created": "created the team",
  "team.updated": "changed team settings",
};

/** The areas of the action filter: each a group prefix with its actions, in the order the filter lists them. */
export const ACTION_GROUPS: readonly { prefix: string; label: string; actions: readonly string[] }[] = [
  { prefix: "auth.", label: "Sign-ins", actions: ["auth.signed_in", "auth.sign_in_failed"] },
  { prefix: "user.", label: "Accounts", actions: ["user.password_reset_requested", "user.password_reset", "user.email_verified"] },
  { prefix: "member.", label: "Members", actions: ["member.invited", "member.role_changed", "member.removed", "member.left"] },
  { prefix: "invitation.", label: "Invitations", actions: ["invitation.resent", "invitation.revoked", "invitation.accepted"] },
  { prefix: "team.", label: "Team", actions: ["team.created", "team.updated", "team.ownership_transferred"] },
  { prefix: "key.", label: "API keys", actions: ["key.created", "key.rotated", "key.revoked"] },
  { prefix: "instance.", label: "Instances", actions: ["instance.launched", "instance.terminated"] },
  {
    prefix: "reservation.",
    label: "Reservations",
    actions: ["reservation.purchased", "reservation.extended", "reservation.cancelled", "reservation.started", "reservation.completed"],
  },
  { prefix: "ssh_key.", label: "SSH keys", actions: ["ssh_key.added", "ssh_key.deleted"] },
  { prefix: "compute.", label: "Quotas", actions: ["compute.quota_set"] },
  { prefix: "budget.", label: "Budget", actions: ["budget.updated", "budget.removed"] },
  { prefix: "credit.", label: "Credit", actions: ["credit.granted"] },
  { prefix: "invoice.", label: "Invoices", actions: ["invoice.issued"] },
  { prefix: "playground.", label: "Playground", actions: ["playground.preset_saved", "playground.preset_deleted"] },
];

/** Every action the log has words for. */
export const KNOWN_ACTIONS: readonly string[] = [...Object.keys(NAMED_ACTIONS), ...Object.keys(ACTION_LABELS)];

/** The action's label without the event's details, for the filter's options: "created API key". */
export function actionLabel(action: string): string {
  return NAMED_ACTIONS[action] ?? ACTION_LABELS[action] ?? action;
}

const SIGN_IN_METHODS: Record<string, string> = { github: "GitHub", google: "Google" };
const SIGN_IN_FAILURES: Record<string, string> = {
  wrong_password: "wrong password",
  no_password: "the account has no password; it signs in with GitHub or Google",
  rate_limited: "too many attempts",
  email_unverified: "the email address is not verified yet",
};

export interface DescribedEvent {
  action: string;
  metadata: Record<string, unknown>;
  /** The name of the person the event is about, for events whose target is a user. */
  targetName?: string | null;
}

const text = (value: unknown): string | null => (typeof value === "string" && value.trim() ? value : null);

function fromTo(change: unknown): { from: string; to: string } | null {
  if (!change || typeof change !== "object") return null;
  const { from, to } = change as { from?: unknown; to?: unknown };
  return from === undefined && to === undefined ? null : { from: String(from), to: String(to) };
}

/** What happened, without who did it: "created API key “CI”", "changed Bo's role from developer to admin". */
export function describeAuditEvent({ action, metadata, targetName }: DescribedEvent): string {
  const named = NAMED_ACTIONS[action];
  if (named) return text(metadata.name) ? `${named} “${String(metadata.name)}”` : named;
  const person = text(targetName) ?? text(metadata.name) ?? text(metadata.email);
  const email = text(metadata.email);
  const role = text(metadata.role);
  switch (action) {
    case "auth.signed_in": {
      const method = SIGN_IN_METHODS[String(metadata.method)];
      return method ? `signed in with ${method}` : "signed in";
    }
    case "auth.sign_in_failed": {
      const reason = SIGN_IN_FAILURES[String(metadata.reason)];
      return reason ? `failed to sign in (${reason})` : "failed to sign in";
    }
    case "user.email_verified": {
      const method = SIGN_IN_METHODS[String(metadata.method)];
      if (!method) return ACTION_LABELS[action]!;
      const removed = metadata.passwordRemoved ? "; the password the account was opened with was removed and its earlier sessions ended" : "";
      return `verified their email address by signing in with ${method}${removed}`;
    }
    case "member.invited":
      return email ? `invited ${email}${role ? ` as ${role}` : ""}` : ACTION_LABELS[action]!;
    case "invitation.resent":
      return email ? `resent the invitation to ${email}` : ACTION_LABELS[action]!;
    case "invitation.revoked":
      return email ? `revoked the invitation to ${email}` : ACTION_LABELS[action]!;
    case "invitation.accepted":
      return role ? `accepted an invitation and joined as ${role}` : ACTION_LABELS[action]!;
    case "member.role_changed": {
      const change = fromTo(metadata) ?? fromTo(metadata.role);
      if (!change) return ACTION_LABELS[action]!;
      return `changed ${person ? `${person}'s` : "a member's"} role from ${change.from} to ${change.to}`;
    }
    case "member.removed": {
      const keys = typeof metadata.keysRevoked === "number" ? metadata.keysRevoked : 0;
      const revoked = keys > 0 ? ` and revoked the ${keys === 1 ? "API key" : `${keys} API keys`} they created` : "";
      return `${person ? `removed ${person} from the team` : ACTION_LABELS[action]!}${revoked}`;
    }
    case "team.ownership_transferred":
      return person ? `transferred ownership of the team to ${person}` : ACTION_LABELS[action]!;
    case "compute.quota_set": {
      const change = fromTo(metadata);
      const gpu = text(metadata.gpuModel);
      return gpu && change ? `changed the ${gpu} GPU quota from ${change.from} to ${change.to}` : ACTION_LABELS[action]!;
    }
    case "team.updated": {
      const parts = Object.entries(metadata).flatMap(([field, value]) => {
        const change = fromTo(value);
        return change ? [`${field === "slug" ? "URL" : field} from “${change.from}” to “${change.to}”`] : [];
      });
      return parts.length ? `changed ${parts.join(" and ")}` : ACTION_LABELS[action]!;
    }
    default:
      return ACTION_LABELS[action] ?? action;
  }
}
