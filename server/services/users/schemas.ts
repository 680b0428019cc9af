import { z } from "zod";
import type { NotificationKind } from "@/server/db/schema";
import { passwordSchema, personNameSchema } from "../auth/schemas";
import { NOTIFICATION_KINDS } from "../notifications/kinds";

export const updateProfileInput = z.object({ name: personNameSchema });
export type UpdateProfileInput = z.input<typeof updateProfileInput>;

export const changePasswordInput = z
  .object({
    currentPassword: z.string().max(256).optional(),
    newPassword: passwordSchema,
  });
export type ChangePasswordInput = z.input<typeof changePasswordInput>;

const notificationKind = z.enum(NOTIFICATION_KINDS.map((k) => k.kind) as [NotificationKind, ...NotificationKind[]], {
  error: "Unknown kind of notification.",
});

/** The kinds of team notification the person also wants by mail; every kind not listed stays in the console only. */
export const mailPreferencesInput = z.object({ mailed: z.array(notificationKind).max(20) });
export type MailPreferencesInput = z.input<typeof mailPreferencesInput>;
