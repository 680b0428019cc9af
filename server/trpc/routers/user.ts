import { changePasswordInput, mailPreferencesInput, updateProfileInput } from "@/server/services/users/schemas";
import { getMailPreferences, setMailPreferences } from "@/server/services/users/mail-preferences";
import { changePassword, getProfile, updateProfile } from "@/server/services/users/profile";
import { authedProcedure, router, serviceContext } from "../init";

export const userRouter = router({
  me: authedProcedure.query(({ ctx }) => getProfile(serviceContext(ctx))),
  updateProfile: authedProcedure
    .input(updateProfileInput)
    .mutation(({ ctx, input }) => updateProfile(serviceContext(ctx), input)),
  changePassword: authedProcedure
    .input(changePasswordInput)
    // The session that changes the password goes on; the person's other sessions end.
    .mutation(({ ctx, input }) => changePassword(serviceContext(ctx), input, ctx.sessionId)),
  mailPreferences: authedProcedure.query(({ ctx }) => getMailPreferences(serviceContext(ctx))),
  setMailPreferences: authedProcedure
    .input(mailPreferencesInput)
    .mutation(({ ctx, input }) => setMailPreferences(serviceContext(ctx), input)),
});
