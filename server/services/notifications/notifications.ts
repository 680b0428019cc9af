import { and, count, desc, eq, inArray, isNull } from "drizzle-orm";
import type { Db, Tx } from "@/server/db";
import { newId } from "@/server/db/ids";
import { memberships, notifications, teams, users, type NotificationKind } from "@/server/db/schema";
import { notificationMail, publicUrl, queueMail } from "../mail";
import type { Role } from "../teams/permissions";
import { userIdOf, type TeamContext } from "../context";

export interface NotificationInput {
  teamId: string;
  kind: NotificationKind;
  title: string;
  body: string;
  href: string | null;
  /** The same key for the same recipient is stored once: a retried job notifies nobody twice. */
  dedupeKey: string;
}

/**
 * Notifies every member of the team with one of `roles`, in the console and by mail (queued in
 * the same transaction; the worker's tick delivers it). Returns how many were new.
 */
export async function notifyRoles(db: Db | Tx, roles: Role[], input: NotificationInput, now = new Date()): Promise<number> {
  const members = await db
    .select({ userId: memberships.userId, email: users.email, mailMuted: users.mailMutedKinds, teamName: teams.name })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .innerJoin(teams, eq(teams.id, memberships.teamId))
    .where(and(eq(memberships.teamId, input.teamId), inArray(memberships.role, roles)));
  if (members.length === 0) return 0;
  const written = await db
    .insert(notifications)
    .values(members.map((m) => ({ id: newId("ntf"), userId: m.userId, ...input })))
    .onConflictDoNothing({ target: [notifications.userId, notifications.dedupeKey] })
    .returning({ userId: notifications.userId });
  // Only those notified now get a mail (a retried job mails nobody twice), unless they keep this kind in the console.
  for (const { userId } of written) {
    const member = members.find((m) => m.userId === userId)!;
    if (member.mailMuted.includes(input.kind)) continue;
    const url = input.href ? `${publicUrl()}${input.href}` : null;
    await queueMail(db, member.email, notificationMail({ teamName: member.teamName, title: input.title, body: input.body, url }), now);
  }
  return written.length;
}

export interface NotificationView {
  id: string;
  kind: NotificationKind;
  title: string;
  body: string;
  href: string | null;
  createdAt: Date;
  read: boolean;
}

/** The caller's latest notifications in this team, and how many are unread. */
export async function listNotifications(ctx: TeamContext, limit = 20): Promise<{ items: NotificationView[]; unread: number }> {
  const userId = userIdOf(ctx);
  const mine = and(eq(notifications.userId, userId), eq(notifications.teamId, ctx.team.id));
  const [rows, [unread]] = await Promise.all([
    ctx.db.select().from(notifications).where(mine).orderBy(desc(notifications.createdAt), desc(notifications.id)).limit(limit),
    ctx.db.select({ n: count() }).from(notifications).where(and(mine, isNull(notifications.readAt))),
  ]);
  return {
    items: rows.map((row) => ({
      id: row.id,
      kind: row.kind,
      title: row.title,
      body: row.body,
      href: row.href,
      createdAt: row.createdAt,
      read: row.readAt !== null,
    })),
    unread: unread?.n ?? 0,
  };
}

/** Marks the caller's notifications in this team as read: all of them, or those listed. */
export async function markNotificationsRead(ctx: TeamContext, ids?: string[]): Promise<{ unread: number }> {
  const userId = userIdOf(ctx);
  const mine = and(eq(notifications.userId, userId), eq(notifications.teamId, ctx.team.id), isNull(notifications.readAt));
  await ctx.db
    .update(notifications)
    .set({ readAt: ctx.now() })
    .where(ids ? and(mine, inArray(notifications.id, ids)) : mine);
  const [unread] = await ctx.db.select({ n: count() }).from(notifications).where(mine);
  return { unread: unread?.n ?? 0 };
}
