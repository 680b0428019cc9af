import { createKey } from "@/server/services/keys/create-key";
import { keyUsage } from "@/server/services/keys/key-usage";
import { getKey, listKeys } from "@/server/services/keys/list-keys";
import { revokeKey } from "@/server/services/keys/revoke-key";
import { rotateKey } from "@/server/services/keys/rotate-key";
import { createKeyInput, keyIdInput, rotateKeyInput } from "@/server/services/keys/schemas";
import { requires, router, teamProcedure } from "../init";

export const keysRouter = router({
  list: teamProcedure.use(requires("keys:read")).query(({ ctx }) => listKeys(ctx.team)),

  get: teamProcedure
    .use(requires("keys:read"))
    .input(keyIdInput)
    .query(({ ctx, input }) => getKey(ctx.team, input)),

  /** The response carries the secret: the only time it is ever sent. */
  create: teamProcedure
    .use(requires("keys:write"))
    .input(createKeyInput)
    .mutation(({ ctx, input }) => createKey(ctx.team, input)),

  rotate: teamProcedure
    .use(requires("keys:write"))
    .input(rotateKeyInput)
    .mutation(({ ctx, input }) => rotateKey(ctx.team, input)),

  revoke: teamProcedure
    .use(requires("keys:write"))
    .input(keyIdInput)
    .mutation(({ ctx, input }) => revokeKey(ctx.team, input)),

  usage: teamProcedure
    .use(requires("usage:read"))
    .input(keyIdInput)
    .query(({ ctx, input }) => keyUsage(ctx.team, input)),
});
