import { eq } from "drizzle-orm";
import { users } from "@/server/db/schema";
import { recordAuditEvent } from "../audit/record-audit-event";
import { userIdOf, type ServiceContext } from "../context";
import { AppError } from "../errors";
import { hashPassword, verifyPassword } from "../auth/password";
import { endSessionsBefore } from "../auth/sessions";
import { changePasswordInput, updateProfileInput, type ChangePasswordInput, type UpdateProfileInput } from "./schemas";

export interface Profile {
  id: string;
  email: string;
  name: string;
  image: string | null;
  hasPassword: boolean;
  createdAt: Date;
}

export async function getProfile(ctx: ServiceContext): Promise<Profile> {
  const [user] = await ctx.db.select().from(users).where(eq(users.id, userIdOf(ctx))).limit(1);
  if (!user) throw new AppError("UNAUTHORIZED", "Your account no longer exists. Sign in again.");
  return {
    id: user.id,
    email: user.email,
    name: user.name,
    image: user.image,
    hasPassword: user.passwordHash !== null,
    createdAt: user.createdAt,
  };
}

export async function updateProfile(ctx: ServiceContext, rawInput: UpdateProfileInput): Promise<Profile> {
  const input = updateProfileInput.parse(rawInput);
  const userId = userIdOf(ctx);
  await ctx.db.transaction(async (tx) => {
    const [before] = await tx.select({ name: users.name }).from(users).where(eq(users.id, userId)).for("update");
    if (!before) throw new AppError("UNAUTHORIZED", "Your account no longer exists. Sign in again.");
    if (before.name === input.name) return;
    await tx.update(users).set({ name: input.name, updatedAt: ctx.now() }).where(eq(users.id, userId));
    await recordAuditEvent(tx, ctx, {
      teamId: null,
      action: "user.updated",
      target: { type: "user", id: userId },
      metadata: { name: { from: before.name, to: input.name } },
    });
  });
  return getProfile(ctx);
}

/**
 * Sets a new password after checking the current one, and ends every other session of the person:
 * someone who knew the old password may hold one. `keepSessionId` is the session that asked, which
 * goes on.
 */
export async function changePassword(ctx: ServiceContext, rawInput: ChangePasswordInput, keepSessionId: string | null = null): Promise<void> {
  const input = changePasswordInput.parse(rawInput);
  const userId = userIdOf(ctx);
  const [user] = await ctx.db.select().from(users).where(eq(users.id, userId)).limit(1);
  if (!user) throw new AppError("UNAUTHORIZED", "Your account no longer exists. Sign in again.");
  if (user.passwordHash) {
    if (!input.currentPassword || !(await verifyPassword(user.passwordHash, input.currentPassword))) {
      throw AppError.field("BAD_REQUEST", "currentPassword", "Your current password is not correct.");
    }
  }
  const passwordHash = await hashPassword(input.newPassword);
  await ctx.db.transaction(async (tx) => {
    await tx
      .update(users)
      .set({ passwordHash, updatedAt: ctx.now(), ...endSessionsBefore(ctx.now(), keepSessionId) })
      .where(eq(users.id, userId));
    await recordAuditEvent(tx, ctx, {
      teamId: null,
      action: "user.password_changed",
      target: { type: "user", id: userId },
    });
  });
}
