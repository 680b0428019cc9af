import { createTeam } from "@/server/services/teams/create-team";
import { createTeamInput, updateTeamInput } from "@/server/services/teams/schemas";
import { listMyTeams } from "@/server/services/teams/team-access";
import { updateTeam } from "@/server/services/teams/update-team";
import { scopesOf } from "@/server/services/teams/permissions";
import { authedProcedure, requires, router, serviceContext, teamProcedure } from "../init";

export const teamRouter = router({
  list: authedProcedure.query(({ ctx }) => listMyTeams(serviceContext(ctx))),

  create: authedProcedure.input(createTeamInput).mutation(({ ctx, input }) => createTeam(serviceContext(ctx), input)),

  get: teamProcedure.use(requires("team:read")).query(({ ctx }) => ({
    ...ctx.team.team,
    role: ctx.team.role,
    scopes: scopesOf(ctx.team.role),
  })),

  update: teamProcedure
    .use(requires("team:write"))
    .input(updateTeamInput)
    .mutation(({ ctx, input }) => updateTeam(ctx.team, input)),
});
