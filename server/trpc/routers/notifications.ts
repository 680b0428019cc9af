import { z } from "zod";
import { listNotifications, markNotificationsRead } from "@/server/services/notifications/notifications";
import { requires, router, teamProcedure } from "../init";

export const notificationsRouter = router({
  list: teamProcedure.use(requires("team:read")).query(({ ctx }) => listNotifications(ctx.team)),
  markRead: teamProcedure
    .use(requires("team:read"))
    .input(z.object({ ids: z.array(z.string().min(1).max(64)).min(1).max(100).optional() }))
    .mutation(({ ctx, input }) => markNotificationsRead(ctx.team, input.ids)),
});
