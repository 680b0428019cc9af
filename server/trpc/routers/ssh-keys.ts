import { computeContextOf } from "@/server/services/compute/context";
import { addSshKey, deleteSshKey, listSshKeys } from "@/server/services/compute/ssh-keys/ssh-keys";
import { addSshKeyInput, sshKeyIdInput } from "@/server/services/compute/ssh-keys/schemas";
import { requires, router, teamProcedure } from "../init";

export const sshKeysRouter = router({
  list: teamProcedure.use(requires("compute:read")).query(({ ctx }) => listSshKeys(computeContextOf(ctx.team))),

  add: teamProcedure
    .use(requires("compute:write"))
    .input(addSshKeyInput)
    .mutation(({ ctx, input }) => addSshKey(computeContextOf(ctx.team), input)),

  delete: teamProcedure
    .use(requires("compute:write"))
    .input(sshKeyIdInput)
    .mutation(({ ctx, input }) => deleteSshKey(computeContextOf(ctx.team), input)),
});
