import { z } from "zod";
import { emailSchema } from "../auth/schemas";
import { ROLES } from "./permissions";

/**
 * Input schemas and constants for invitations, shared by the service, the tRPC door and the
 * console's forms (nothing here touches the database).
 */

/** How long an invitation link works after it was (last) sent. */
export const INVITATION_TTL_DAYS = 7;
/** The least time between two mails of one invitation, so nobody is flooded through Resend. */
export const RESEND_INTERVAL_SECONDS = 60;

export const INVITATION_STATUSES = ["pending", "expired", "accepted", "revoked"] as const;
export type InvitationStatus = (typeof INVITATION_STATUSES)[number];

/** Where an invitation stands at `now`: used and revoked ones stay so; an open one expires. */
export function invitationStatus(row: { acceptedAt: Date | null; revokedAt: Date | null; expiresAt: Date }, now: Date): InvitationStatus {
  if (row.acceptedAt) return "accepted";
  if (row.revokedAt) return "revoked";
  return row.expiresAt.getTime() <= now.getTime() ? "expired" : "pending";
}

export const createInvitationInput = z.object({
  email: emailSchema,
  role: z.enum(ROLES, { error: "Choose a role." }),
});
export type CreateInvitationInput = z.input<typeof createInvitationInput>;

export const invitationIdInput = z.object({ invitationId: z.string().min(1).max(64) });
export type InvitationIdInput = z.input<typeof invitationIdInput>;

/** A mailed token; anything of another shape is refused by the service before a query. */
export const invitationTokenInput = z.object({ token: z.string().min(1).max(256) });
export type InvitationTokenInput = z.input<typeof invitationTokenInput>;

/** The path of an invitation page, `/invite/<token>`: where sign-up and sign-in come back to. */
export function invitationPath(token: string): string {
  return `/invite/${token}`;
}

/** The token of an invitation page's path (a callbackUrl), or null for any other path. */
export function invitationTokenOfPath(path: string | null | undefined): string | null {
  return path?.match(/^\/invite\/([A-Za-z0-9_-]{43})$/)?.[1] ?? null;
}
