import { and, asc, desc, eq, isNotNull, isNull, lte, or, sql } from "drizzle-orm";
import type { Db, Tx } from "@/server/db";
import { isUniqueViolation } from "@/server/db/errors";
import { newId } from "@/server/db/ids";
import { invitations, memberships, users } from "@/server/db/schema";
import { recordAuditEvent } from "../audit/record-audit-event";
import { newMailToken } from "../auth/mail-tokens";
import { requireScope, type ServiceContext, type TeamContext } from "../context";
import { AppError } from "../errors";
import { deliverMails, invitationMail, mailTransportFromEnv, publicUrl, queueMail, type MailTransport } from "../mail";
import {
  createInvitationInput,
  INVITATION_TTL_DAYS,
  invitationIdInput,
  invitationPath,
  invitationStatus,
  RESEND_INTERVAL_SECONDS,
  type CreateInvitationInput,
  type InvitationIdInput,
  type InvitationStatus,
} from "./invitation-schemas";
import { mayGrant, ROLE_LABELS, type Role } from "./permissions";

export { INVITATION_TTL_DAYS, RESEND_INTERVAL_SECONDS };
// The invitee's side lives in accept-invitation.ts; one import point for the doors and for sign-up.
export { acceptInvitation, invitationEmailForToken, invitedEmailForPath, previewInvitation, type InvitationPreview } from "./accept-invitation";

/** An invitation link works for 7 days after it was (last) sent. */
export const INVITATION_TTL_MS = INVITATION_TTL_DAYS * 86_400_000;
/** Accepted and revoked invitations stay in the list this long, so admins see what became of them. */
const SETTLED_VISIBLE_MS = 30 * 86_400_000;
const LIST_LIMIT = 200;

export const INVITATION_NOT_FOUND = "Invitation not found.";

export interface InvitationView {
  id: string;
  email: string;
  role: Role;
  status: InvitationStatus;
  /** Null once the person who invited has deleted their account. */
  invitedBy: { id: string; name: string } | null;
  createdAt: Date;
  expiresAt: Date;
  lastSentAt: Date;
  sendCount: number;
  acceptedAt: Date | null;
  revokedAt: Date | null;
}

/** What became of the mail sent with a created or resent invitation, for the console to say. */
export interface MailOutcome {
  /** Handed to the SMTP server, or kept in the outbox where no SMTP server is configured. */
  mailDelivered: boolean;
  /** Why the SMTP server could not take it; the worker retries, and Resend sends a new one. */
  mailError: string | null;
  /** No SMTP server is configured: the mail (and its link) is in the development outbox and the server's log. */
  mailInOutbox: boolean;
}

/** Where the mail goes; tests pass a transport to their own SMTP server. */
export interface MailOptions {
  transport?: MailTransport;
}

const viewColumns = {
  id: invitations.id,
  email: invitations.email,
  role: invitations.role,
  createdAt: invitations.createdAt,
  expiresAt: invitations.expiresAt,
  lastSentAt: invitations.lastSentAt,
  sendCount: invitations.sendCount,
  acceptedAt: invitations.acceptedAt,
  revokedAt: invitations.revokedAt,
  inviterId: users.id,
  inviterName: users.name,
};

type ViewRow = Omit<InvitationView, "status" | "invitedBy"> & { inviterId: string | null; inviterName: string | null };

function toView({ inviterId, inviterName, ...row }: ViewRow, now: Date): InvitationView {
  return {
    ...row,
    status: invitationStatus(row, now),
    invitedBy: inviterId ? { id: inviterId, name: inviterName ?? "" } : null,
  };
}

async function findView(db: Db | Tx, teamId: string, invitationId: string, now: Date): Promise<InvitationView | null> {
  const [row] = await db
    .select(viewColumns)
    .from(invitations)
    .leftJoin(users, eq(users.id, invitations.invitedBy))
    .where(and(eq(invitations.teamId, teamId), eq(invitations.id, invitationId)))
    .limit(1);
  return row ? toView(row, now) : null;
}

async function nameOf(db: Db | Tx, userId: string): Promise<string | null> {
  const [row] = await db.select({ name: users.name }).from(users).where(eq(users.id, userId)).limit(1);
  return row?.name ?? null;
}

/** The mail of an invitation with a fresh link, queued in the caller's transaction. */
async function queueInvitationMail(
  tx: Tx,
  ctx: TeamContext,
  invitation: { email: string; role: Role; token: string; expiresAt: Date },
): Promise<string> {
  const content = invitationMail({
    teamName: ctx.team.name,
    inviterName: await nameOf(tx, ctx.actor.userId),
    role: ROLE_LABELS[invitation.role],
    url: `${publicUrl()}${invitationPath(invitation.token)}`,
    expiresAt: invitation.expiresAt,
  });
  return queueMail(tx, invitation.email, content, ctx.now());
}

/**
 * Sends a queued mail right after the commit. A failure is reported, never thrown: the invitation
 * is saved either way, the worker retries the mail, and Resend sends a fresh one.
 */
async function deliverNow(ctx: ServiceContext, mailId: string, options: MailOptions): Promise<MailOutcome> {
  const transport = options.transport ?? mailTransportFromEnv();
  try {
    const report = await deliverMails(ctx.db, transport, { now: ctx.now(), log: ctx.log, ids: [mailId] });
    const mailError = report.errors[mailId] ?? null;
    return { mailDelivered: report.sent + report.outbox > 0, mailError, mailInOutbox: report.outbox > 0 };
  } catch (error) {
    ctx.log.error("invitation mail delivery failed", { mailId, error: String(error) });
    return { mailDelivered: false, mailError: "The mail could not be handed to the mail server.", mailInOutbox: false };
  }
}

function alreadyPending(email: string): AppError {
  return AppError.field(
    "CONFLICT",
    "email",
    `${email} already has a pending invitation to this team. Resend it from the list instead.`,
  );
}

/**
 * Invites someone by email with a role no higher than the inviter's own, and mails them a link
 * that works once, for INVITATION_TTL_DAYS.
 */
export async function createInvitation(
  ctx: TeamContext,
  rawInput: CreateInvitationInput,
  options: MailOptions = {},
): Promise<InvitationView & MailOutcome> {
  requireScope(ctx, "members:write");
  const input = createInvitationInput.parse(rawInput);
  if (!mayGrant(ctx.role, input.role)) {
    throw AppError.field(
      "FORBIDDEN",
      "role",
      `Your role (${ctx.role}) cannot invite someone as ${ROLE_LABELS[input.role]}: nobody grants a role above their own.`,
    );
  }
  const now = ctx.now();
  const id = newId("ivt");
  const { token, hash } = newMailToken();
  const expiresAt = new Date(now.getTime() + INVITATION_TTL_MS);

  let mailId: string;
  try {
    mailId = await ctx.db.transaction(async (tx) => {
      const [member] = await tx
        .select({ userId: memberships.userId })
        .from(memberships)
        .innerJoin(users, eq(users.id, memberships.userId))
        .where(and(eq(memberships.teamId, ctx.team.id), sql`lower(${users.email}) = ${input.email}`))
        .limit(1);
      if (member) throw AppError.field("CONFLICT", "email", `${input.email} is already a member of this team.`);

      const [pending] = await tx
        .select({ id: invitations.id })
        .from(invitations)
        .where(
          and(
            eq(invitations.teamId, ctx.team.id),
            sql`lower(${invitations.email}) = ${input.email}`,
            isNull(invitations.acceptedAt),
            isNull(invitations.revokedAt),
          ),
        )
        .limit(1);
      if (pending) throw alreadyPending(input.email);

      await tx.insert(invitations).values({
        id,
        teamId: ctx.team.id,
        email: input.email,
        role: input.role,
        tokenHash: hash,
        invitedBy: ctx.actor.userId,
        createdAt: now,
        expiresAt,
        lastSentAt: now,
        sendCount: 1,
      });
      await recordAuditEvent(tx, ctx, {
        teamId: ctx.team.id,
        action: "member.invited",
        target: { type: "invitation", id },
        metadata: { email: input.email, role: input.role },
      });
      return queueInvitationMail(tx, ctx, { email: input.email, role: input.role, token, expiresAt });
    });
  } catch (error) {
    // Two admins inviting the same address at once: the partial unique index lets one through.
    if (isUniqueViolation(error, "invitations_pending_email_key")) throw alreadyPending(input.email);
    throw error;
  }

  const outcome = await deliverNow(ctx, mailId, options);
  const view = await findView(ctx.db, ctx.team.id, id, now);
  if (!view) throw new AppError("INTERNAL", "The invitation vanished right after it was saved.");
  return { ...view, ...outcome };
}

/**
 * The team's invitations: pending ones first (expired ones among them, which can still be resent),
 * then those accepted or revoked in the last 30 days.
 */
export async function listInvitations(ctx: TeamContext): Promise<InvitationView[]> {
  requireScope(ctx, "members:write");
  const now = ctx.now();
  const pending = await ctx.db
    .select(viewColumns)
    .from(invitations)
    .leftJoin(users, eq(users.id, invitations.invitedBy))
    .where(and(eq(invitations.teamId, ctx.team.id), isNull(invitations.acceptedAt), isNull(invitations.revokedAt)))
    .orderBy(desc(invitations.createdAt), asc(invitations.id))
    .limit(LIST_LIMIT);
  const settledAt = sql`coalesce(${invitations.acceptedAt}, ${invitations.revokedAt})`;
  const settled = await ctx.db
    .select(viewColumns)
    .from(invitations)
    .leftJoin(users, eq(users.id, invitations.invitedBy))
    .where(
      and(
        eq(invitations.teamId, ctx.team.id),
        or(isNotNull(invitations.acceptedAt), isNotNull(invitations.revokedAt)),
        sql`${settledAt} > ${new Date(now.getTime() - SETTLED_VISIBLE_MS).toISOString()}::timestamptz`,
      ),
    )
    .orderBy(desc(settledAt), asc(invitations.id))
    .limit(LIST_LIMIT);
  return [...pending, ...settled].map((row) => toView(row, now));
}

/** Why a pending-only action cannot touch this invitation (it exists and is in the caller's team). */
function settledError(view: InvitationView, action: "resend" | "revoke"): AppError {
  const again = action === "resend" ? " Invite them again instead." : "";
  return view.status === "accepted"
    ? new AppError("CONFLICT", `${view.email} already accepted this invitation.${action === "revoke" ? " Remove them from the members list instead." : ""}`)
    : new AppError("CONFLICT", `This invitation was revoked.${again}`);
}

/**
 * Mails a pending (or expired, never accepted) invitation again with a new link and a new expiry.
 * The old link stops working: only the new token's hash is kept.
 */
export async function resendInvitation(
  ctx: TeamContext,
  rawInput: InvitationIdInput,
  options: MailOptions = {},
): Promise<InvitationView & MailOutcome> {
  requireScope(ctx, "members:write");
  const { invitationId } = invitationIdInput.parse(rawInput);
  const now = ctx.now();
  const { token, hash } = newMailToken();
  const expiresAt = new Date(now.getTime() + INVITATION_TTL_MS);
  const resendableBefore = new Date(now.getTime() - RESEND_INTERVAL_SECONDS * 1000);

  const mailId = await ctx.db.transaction(async (tx) => {
    // One conditional UPDATE, so two clicks at once cannot both send.
    const [updated] = await tx
      .update(invitations)
      .set({ tokenHash: hash, expiresAt, lastSentAt: now, sendCount: sql`${invitations.sendCount} + 1` })
      .where(
        and(
          eq(invitations.teamId, ctx.team.id),
          eq(invitations.id, invitationId),
          isNull(invitations.acceptedAt),
          isNull(invitations.revokedAt),
          lte(invitations.lastSentAt, resendableBefore),
        ),
      )
      .returning({ email: invitations.email, role: invitations.role, sendCount: invitations.sendCount });
    if (!updated) {
      const view = await findView(tx, ctx.team.id, invitationId, now);
      if (!view) throw new AppError("NOT_FOUND", INVITATION_NOT_FOUND);
      if (view.status === "accepted" || view.status === "revoked") throw settledError(view, "resend");
      const retryAfterSeconds = Math.max(1, Math.ceil((view.lastSentAt.getTime() + RESEND_INTERVAL_SECONDS * 1000 - now.getTime()) / 1000));
      throw new AppError(
        "TOO_MANY_REQUESTS",
        `This invitation was sent less than a minute ago. Wait ${retryAfterSeconds} second${retryAfterSeconds === 1 ? "" : "s"} before resending it.`,
        { retryAfterSeconds },
      );
    }
    await recordAuditEvent(tx, ctx, {
      teamId: ctx.team.id,
      action: "invitation.resent",
      target: { type: "invitation", id: invitationId },
      metadata: { email: updated.email, role: updated.role, sendCount: updated.sendCount },
    });
    return queueInvitationMail(tx, ctx, { email: updated.email, role: updated.role, token, expiresAt });
  });

  const outcome = await deliverNow(ctx, mailId, options);
  const view = await findView(ctx.db, ctx.team.id, invitationId, now);
  if (!view) throw new AppError("NOT_FOUND", INVITATION_NOT_FOUND);
  return { ...view, ...outcome };
}

/** Revokes a pending invitation: its link stops working at once. */
export async function revokeInvitation(ctx: TeamContext, rawInput: InvitationIdInput): Promise<InvitationView> {
  requireScope(ctx, "members:write");
  const { invitationId } = invitationIdInput.parse(rawInput);
  const now = ctx.now();
  await ctx.db.transaction(async (tx) => {
    const [updated] = await tx
      .update(invitations)
      .set({ revokedAt: now })
      .where(
        and(
          eq(invitations.teamId, ctx.team.id),
          eq(invitations.id, invitationId),
          isNull(invitations.acceptedAt),
          isNull(invitations.revokedAt),
        ),
      )
      .returning({ email: invitations.email, role: invitations.role });
    if (!updated) {
      const view = await findView(tx, ctx.team.id, invitationId, now);
      if (!view) throw new AppError("NOT_FOUND", INVITATION_NOT_FOUND);
      throw settledError(view, "revoke");
    }
    await recordAuditEvent(tx, ctx, {
      teamId: ctx.team.id,
      action: "invitation.revoked",
      target: { type: "invitation", id: invitationId },
      metadata: { email: updated.email, role: updated.role },
    });
  });
  const view = await findView(ctx.db, ctx.team.id, invitationId, now);
  if (!view) throw new AppError("NOT_FOUND", INVITATION_NOT_FOUND);
  return view;
}
