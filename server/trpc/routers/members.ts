import {
  changeMemberRole,
  changeMemberRoleInput,
  leaveTeam,
  listMembers,
  memberIdInput,
  removeMember,
  removeMemberInput,
  transferOwnership,
} from "@/server/services/teams/members";
import { requires, router, teamProcedure } from "../init";

export const membersRouter = router({
  list: teamProcedure.use(requires("team:read")).query(({ ctx }) => listMembers(ctx.team)),

  changeRole: teamProcedure
    .use(requires("members:write"))
    .input(changeMemberRoleInput)
    .mutation(({ ctx, input }) => changeMemberRole(ctx.team, input)),

  remove: teamProcedure
    .use(requires("members:write"))
    .input(removeMemberInput)
    .mutation(({ ctx, input }) => removeMember(ctx.team, input)),

  leave: teamProcedure.use(requires("team:read")).mutation(({ ctx }) => leaveTeam(ctx.team)),

  transferOwnership: teamProcedure
    .use(requires("ownership:transfer"))
    .input(memberIdInput)
    .mutation(({ ctx, input }) => transferOwnership(ctx.team, input)),
});
