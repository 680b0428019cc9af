import { z } from "zod";
import { passwordSchema, personNameSchema } from "../auth/schemas";

export const updateProfileInput = z.object({ name: personNameSchema });
export type UpdateProfileInput = z.input<typeof updateProfileInput>;

export const changePasswordInput = z
  .object({
    currentPassword: z.string().max(256).optional(),
    newPassword: passwordSchema,
  });
export type ChangePasswordInput = z.input<typeof changePasswordInput>;
