import { createCallerFactory, router } from "./init";
import { auditRouter } from "./routers/audit";
import { billingRouter } from "./routers/billing";
import { budgetsRouter } from "./routers/budgets";
import { invitationsRouter } from "./routers/invitations";
import { notificationsRouter } from "./routers/notifications";
import { computeRouter } from "./routers/compute";
import { instancesRouter } from "./routers/instances";
import { reservationsRouter } from "./routers/reservations";
import { sshKeysRouter } from "./routers/ssh-keys";
import { spendRouter } from "./routers/spend";
import { quotasRouter } from "./routers/quotas";
import { authRouter } from "./routers/auth";
import { keysRouter } from "./routers/keys";
import { membersRouter } from "./routers/members";
import { modelsRouter } from "./routers/models";
import { playgroundRouter } from "./routers/playground";
import { teamRouter } from "./routers/team";
import { userRouter } from "./routers/user";

export const appRouter = router({
  auth: authRouter,
  team: teamRouter,
  members: membersRouter,
  user: userRouter,
  audit: auditRouter,
  keys: keysRouter,
  models: modelsRouter,
  playground: playgroundRouter,
  compute: computeRouter,
  instances: instancesRouter,
  reservations: reservationsRouter,
  sshKeys: sshKeysRouter,
  quotas: quotasRouter,
  budgets: budgetsRouter,
  notifications: notificationsRouter,
  spend: spendRouter,
  billing: billingRouter,
  invitations: invitationsRouter,
});

export type AppRouter = typeof appRouter;

export const createCaller = createCallerFactory(appRouter);
