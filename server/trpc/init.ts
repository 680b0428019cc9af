import { initTRPC, TRPCError } from "@trpc/server";
import { eq } from "drizzle-orm";
import superjson from "superjson";
import { z, ZodError } from "zod";
import type { Db } from "@/server/db";
import { users } from "@/server/db/schema";
import type { Logger, RequestInfo, ServiceContext, TeamContext } from "@/server/services/context";
import { AppError, type AppErrorCode } from "@/server/services/errors";
import { hasScope, type Scope } from "@/server/services/teams/permissions";
import { enterTeam } from "@/server/services/teams/team-access";

export interface TrpcContext {
  db: Db;
  /** The signed-in person, from the session cookie; null for anonymous callers. */
  userId: string | null;
  /** The session's name, so that a password change can keep it; null when signed out or unnamed. */
  sessionId: string | null;
  request: RequestInfo;
  now: () => Date;
  log: Logger;
}

const INTERNAL_MESSAGE = "Something went wrong on our side. Try again; if it keeps happening, contact support.";

const t = initTRPC.context<TrpcContext>().create({
  transformer: superjson,
  // Stack traces never leave the server, whatever the environment.
  isDev: false,
  errorFormatter({ shape, error }) {
    const cause = error.cause;
    const fieldErrors =
      cause instanceof ZodError ? zodFieldErrors(cause) : cause instanceof AppError ? cause.details.fieldErrors : undefined;
    const message =
      error.code === "INTERNAL_SERVER_ERROR"
        ? INTERNAL_MESSAGE
        : cause instanceof ZodError
          ? (Object.values(fieldErrors ?? {})[0]?.[0] ?? "Check the highlighted fields.")
          : shape.message;
    return {
      message,
      code: shape.code,
      data: {
        code: shape.data.code,
        httpStatus: shape.data.httpStatus,
        path: shape.data.path,
        fieldErrors: fieldErrors ?? null,
        retryAfterSeconds: cause instanceof AppError ? (cause.details.retryAfterSeconds ?? null) : null,
      },
    };
  },
});

function zodFieldErrors(error: ZodError): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const issue of error.issues) {
    const key = issue.path.join(".") || "_form";
    (out[key] ??= []).push(issue.message);
  }
  return out;
}

const TRPC_CODES: Record<AppErrorCode, TRPCError["code"]> = {
  BAD_REQUEST: "BAD_REQUEST",
  UNAUTHORIZED: "UNAUTHORIZED",
  FORBIDDEN: "FORBIDDEN",
  NOT_FOUND: "NOT_FOUND",
  CONFLICT: "CONFLICT",
  TOO_MANY_REQUESTS: "TOO_MANY_REQUESTS",
  INTERNAL: "INTERNAL_SERVER_ERROR",
};

/** Maps the service layer's errors to tRPC's, once, for every procedure. */
const mapErrors = t.middleware(async ({ ctx, next, path }) => {
  const result = await next();
  if (!result.ok) {
    const cause = result.error.cause;
    if (cause instanceof AppError) {
      if (cause.code === "INTERNAL") ctx.log.error("procedure failed", { path, error: String(cause.stack) });
      result.error = new TRPCError({ code: TRPC_CODES[cause.code], message: cause.message, cause });
    } else if (cause instanceof ZodError) {
      result.error = new TRPCError({ code: "BAD_REQUEST", message: cause.message, cause });
    } else if (result.error.code === "INTERNAL_SERVER_ERROR") {
      ctx.log.error("procedure failed", { path, error: String(cause?.stack ?? result.error.stack) });
    }
  }
  return result;
});

export const router = t.router;
export const createCallerFactory = t.createCallerFactory;

export function serviceContext(ctx: TrpcContext): ServiceContext {
  return {
    db: ctx.db,
    actor: ctx.userId ? { type: "user", userId: ctx.userId } : { type: "anonymous" },
    request: ctx.request,
    now: ctx.now,
    log: ctx.log,
  };
}

/** Anyone, signed in or not. */
export const publicProcedure = t.procedure.use(mapErrors);

/** A signed-in person whose account still exists (a session can outlive a deleted account). */
export const authedProcedure = publicProcedure.use(async ({ ctx, next }) => {
  if (!ctx.userId) throw new TRPCError({ code: "UNAUTHORIZED", message: "Sign in to continue." });
  const [user] = await ctx.db.select({ id: users.id }).from(users).where(eq(users.id, ctx.userId)).limit(1);
  if (!user) throw new TRPCError({ code: "UNAUTHORIZED", message: "Your account no longer exists. Sign in again." });
  return next({ ctx: { userId: ctx.userId } });
});

/**
 * A member of the team named by `input.teamId`. The membership is loaded from the database on
 * every call, so a removed member is refused at once; a non-member gets NOT_FOUND.
 */
export const teamProcedure = authedProcedure
  .input(z.object({ teamId: z.string().min(1).max(64) }))
  .use(async ({ ctx, input, next }) => {
    const team = await enterTeam(serviceContext(ctx), { teamId: input.teamId });
    return next({ ctx: { team } });
  });

/** The scope each requires() middleware checks, so tests can compare procedures with the README's table. */
const requiredScopes = new WeakMap<object, Scope>();

/** The scope a middleware made by requires() checks; undefined for any other middleware. */
export function requiredScopeOf(middleware: unknown): Scope | undefined {
  return typeof middleware === "function" ? requiredScopes.get(middleware) : undefined;
}

/** Declares the scope a team procedure needs; FORBIDDEN for a member whose role lacks it. */
export function requires(scope: Scope) {
  const middleware = t.middleware(({ ctx, next }) => {
    const team = (ctx as Partial<{ team: TeamContext }>).team;
    if (!team) throw new TRPCError({ code: "INTERNAL_SERVER_ERROR", message: "requires() used outside a team procedure" });
    if (!hasScope(team.role, scope)) {
      throw new TRPCError({
        code: "FORBIDDEN",
        message: `Your role (${team.role}) does not allow this. Ask a team owner or admin.`,
      });
    }
    return next();
  });
  for (const fn of middleware._middlewares) requiredScopes.set(fn, scope);
  return middleware;
}
