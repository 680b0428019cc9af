import { resendVerification, verifyEmail } from "@/server/services/auth/email-verification";
import { requestPasswordReset, resetPassword } from "@/server/services/auth/password-reset";
import { signUp } from "@/server/services/auth/sign-up";
import {
  requestPasswordResetInput,
  resendVerificationInput,
  resetPasswordInput,
  signUpInput,
  verifyEmailInput,
} from "@/server/services/auth/schemas";
import { publicProcedure, router, serviceContext } from "../init";

export const authRouter = router({
  signUp: publicProcedure.input(signUpInput).mutation(async ({ ctx, input }) => {
    const { team, mustVerifyEmail } = await signUp(serviceContext(ctx), input);
    return { teamSlug: team.slug, mustVerifyEmail };
  }),
  // The same answer whether or not an account uses the address.
  requestPasswordReset: publicProcedure.input(requestPasswordResetInput).mutation(async ({ ctx, input }) => {
    await requestPasswordReset(serviceContext(ctx), input);
  }),
  resetPassword: publicProcedure
    .input(resetPasswordInput)
    .mutation(({ ctx, input }) => resetPassword(serviceContext(ctx), input)),
  verifyEmail: publicProcedure.input(verifyEmailInput).mutation(({ ctx, input }) => verifyEmail(serviceContext(ctx), input)),
  // The same answer whether or not an unconfirmed account uses the address.
  resendVerification: publicProcedure.input(resendVerificationInput).mutation(async ({ ctx, input }) => {
    await resendVerification(serviceContext(ctx), input);
  }),
});
