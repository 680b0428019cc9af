import { createInvitationInput, invitationIdInput, invitationTokenInput } from "@/server/services/teams/invitation-schemas";
import {
  acceptInvitation,
  createInvitation,
  listInvitations,
  previewInvitation,
  resendInvitation,
  revokeInvitation,
} from "@/server/services/teams/invitations";
import { authedProcedure, publicProcedure, requires, router, serviceContext, teamProcedure } from "../init";

export const invitationsRouter = router({
  list: teamProcedure.use(requires("members:write")).query(({ ctx }) => listInvitations(ctx.team)),

  create: teamProcedure
    .use(requires("members:write"))
    .input(createInvitationInput)
    .mutation(({ ctx, input }) => createInvitation(ctx.team, input)),

  resend: teamProcedure
    .use(requires("members:write"))
    .input(invitationIdInput)
    .mutation(({ ctx, input }) => resendInvitation(ctx.team, input)),

  revoke: teamProcedure
    .use(requires("members:write"))
    .input(invitationIdInput)
    .mutation(({ ctx, input }) => revokeInvitation(ctx.team, input)),

  /** Anyone holding the link may see what it is about: the link is the secret. */
  preview: publicProcedure
    .input(invitationTokenInput)
    .query(({ ctx, input }) => previewInvitation(ctx.db, input.token, ctx.now())),

  accept: authedProcedure
    .input(invitationTokenInput)
    .mutation(({ ctx, input }) => acceptInvitation(serviceContext(ctx), input)),
});
