import { eq } from "drizzle-orm";
import { users, type NotificationKind } from "@/server/db/schema";
import { recordAuditEvent } from "../audit/record-audit-event";
import { userIdOf, type ServiceContext } from "../context";
import { AppError } from "../errors";
import { NOTIFICATION_KINDS } from "../notifications/kinds";
import { mailPreferencesInput, type MailPreferencesInput } from "./schemas";

export interface MailPreferences {
  /** Every kind, and whether this person also gets it by mail. */
  kinds: { kind: NotificationKind; label: string; description: string; mailed: boolean }[];
}

/** Which team notifications the signed-in person also gets by mail (all, until they say otherwise). */
export async function getMailPreferences(ctx: ServiceContext): Promise<MailPreferences> {
  const [user] = await ctx.db.select({ muted: users.mailMutedKinds }).from(users).where(eq(users.id, userIdOf(ctx))).limit(1);
  if (!user) throw new AppError("UNAUTHORIZED", "Your account no longer exists. Sign in again.");
  return { kinds: NOTIFICATION_KINDS.map((k) => ({ ...k, mailed: !user.muted.includes(k.kind) })) };
}

/**
 * Sets which kinds the person also gets by mail; the others stay in the console's notifications.
 * They are the person's own, for every team they belong to.
 */
export async function setMailPreferences(ctx: ServiceContext, rawInput: MailPreferencesInput): Promise<MailPreferences> {
  const { mailed } = mailPreferencesInput.parse(rawInput);
  const userId = userIdOf(ctx);
  const muted = NOTIFICATION_KINDS.map((k) => k.kind).filter((kind) => !mailed.includes(kind));
  await ctx.db.transaction(async (tx) => {
    const [before] = await tx.select({ muted: users.mailMutedKinds }).from(users).where(eq(users.id, userId)).for("update");
    if (!before) throw new AppError("UNAUTHORIZED", "Your account no longer exists. Sign in again.");
    if ([...before.muted].sort().join() === [...muted].sort().join()) return;
    await tx.update(users).set({ mailMutedKinds: muted, updatedAt: ctx.now() }).where(eq(users.id, userId));
    await recordAuditEvent(tx, ctx, {
      teamId: null,
      action: "user.updated",
      target: { type: "user", id: userId },
      metadata: { mailMutedKinds: { from: before.muted, to: muted } },
    });
  });
  return getMailPreferences(ctx);
}
