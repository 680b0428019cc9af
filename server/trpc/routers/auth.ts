import { signUp } from "@/server/services/auth/sign-up";
import { signUpInput } from "@/server/services/auth/schemas";
import { publicProcedure, router, serviceContext } from "../init";

export const authRouter = router({
  signUp: publicProcedure.input(signUpInput).mutation(async ({ ctx, input }) => {
    const { team } = await signUp(serviceContext(ctx), input);
    return { teamSlug: team.slug };
  }),
});
