import { createTRPCClient, TRPCClientError, unstable_localLink } from "@trpc/client";
import { TRPCError } from "@trpc/server";
import superjson from "superjson";
import { ZodObject } from "zod";
import type { Db } from "@/server/db";
import type { Logger } from "@/server/services/context";
import type { Scope } from "@/server/services/teams/permissions";
import { authedProcedure, publicProcedure, requiredScopeOf, teamProcedure, type TrpcContext } from "./init";
import { appRouter, createCaller, type AppRouter } from "./root";

/** Test-only helpers for calling the tRPC routers in-process against a real database. */

export const quietLogger: Logger = { info() {}, warn() {}, error() {} };

/** The request every test caller appears to come from; audit rows must carry it. */
export const TEST_REQUEST = { ip: "198.51.100.23", userAgent: "vitest-trpc-caller/1.0" } as const;

export function trpcContext(db: Db, userId: string | null, overrides: Partial<TrpcContext> = {}): TrpcContext {
  return {
    db,
    userId,
    sessionId: null,
    request: { ...TEST_REQUEST },
    now: () => new Date(),
    log: quietLogger,
    ...overrides,
  };
}

/** A server-side caller acting as `userId` (null: anonymous). Errors are raw `TRPCError`s. */
export function callerFor(db: Db, userId: string | null, overrides: Partial<TrpcContext> = {}) {
  return createCaller(trpcContext(db, userId, overrides));
}

export type Caller = ReturnType<typeof callerFor>;

/**
 * A real tRPC client linked in-process: errors are `TRPCClientError`s carrying the formatted
 * `shape` exactly as the browser receives it (errorFormatter applied).
 */
export function clientFor(db: Db, userId: string | null, overrides: Partial<TrpcContext> = {}) {
  return createTRPCClient<AppRouter>({
    links: [
      unstable_localLink({
        router: appRouter,
        transformer: superjson,
        createContext: async () => trpcContext(db, userId, overrides),
      }),
    ],
  });
}

/** Awaits a call that must fail with a TRPCError and returns that error. */
export async function trpcError(call: Promise<unknown>): Promise<TRPCError> {
  const outcome = await call.then(
    (value) => ({ ok: true as const, value }),
    (error: unknown) => ({ ok: false as const, error }),
  );
  if (outcome.ok) throw new Error(`Expected a TRPCError, but the call succeeded with ${JSON.stringify(outcome.value)}`);
  if (!(outcome.error instanceof TRPCError)) throw outcome.error;
  return outcome.error;
}

/** Awaits a client call that must fail and returns the TRPCClientError (with `shape`). */
export async function clientError(call: Promise<unknown>): Promise<TRPCClientError<AppRouter>> {
  const outcome = await call.then(
    (value) => ({ ok: true as const, value }),
    (error: unknown) => ({ ok: false as const, error }),
  );
  if (outcome.ok) throw new Error(`Expected a TRPCClientError, but the call succeeded with ${JSON.stringify(outcome.value)}`);
  if (!(outcome.error instanceof TRPCClientError)) throw outcome.error;
  return outcome.error as TRPCClientError<AppRouter>;
}

/** Calls a procedure by its dotted path, e.g. `callPath(caller, "team.get", { teamId })`. */
export function callPath(caller: Caller, path: string, input: unknown): Promise<unknown> {
  let target: unknown = caller;
  for (const key of path.split(".")) target = (target as Record<string, unknown>)[key];
  if (typeof target !== "function") throw new Error(`No procedure at ${path}`);
  return (target as (input: unknown) => Promise<unknown>)(input);
}

interface DefLike {
  _def: { middlewares: unknown[]; inputs: unknown[]; type: "query" | "mutation" | "subscription" };
}

function defOf(value: unknown): DefLike["_def"] {
  return (value as DefLike)._def;
}

/** Middlewares that `derived` adds on top of `base` (builders share middleware functions by reference). */
function addedMiddlewares(base: unknown, derived: unknown): unknown[] {
  const inherited = new Set(defOf(base).middlewares);
  return defOf(derived).middlewares.filter((m) => !inherited.has(m));
}

const AUTH_MIDDLEWARES = addedMiddlewares(publicProcedure, authedProcedure);
// teamProcedure adds its input parser's middleware and the membership loader.
const TEAM_MIDDLEWARES = addedMiddlewares(authedProcedure, teamProcedure);

export interface ProcedureInfo {
  path: string;
  type: "query" | "mutation" | "subscription";
  /** Built on authedProcedure (refuses anonymous callers). */
  authed: boolean;
  /** Built on teamProcedure (loads the caller's membership of input.teamId). */
  team: boolean;
  /** Some input parser of the procedure declares a `teamId` field. */
  takesTeamId: boolean;
  /** The scopes its requires() middlewares check, in order. */
  scopes: Scope[];
}

/** Every procedure of the app router, discovered at run time so new ones cannot be forgotten. */
export function listProcedures(): ProcedureInfo[] {
  if (AUTH_MIDDLEWARES.length === 0 || TEAM_MIDDLEWARES.length === 0) {
    throw new Error("Could not identify the authed/team middlewares; has init.ts changed shape?");
  }
  return Object.entries(appRouter._def.procedures as Record<string, unknown>)
    .map(([path, procedure]) => {
      const def = defOf(procedure);
      return {
        path,
        type: def.type,
        authed: AUTH_MIDDLEWARES.every((m) => def.middlewares.includes(m)),
        team: TEAM_MIDDLEWARES.every((m) => def.middlewares.includes(m)),
        takesTeamId: def.inputs.some((parser) => parser instanceof ZodObject && "teamId" in parser.shape),
        scopes: def.middlewares.map(requiredScopeOf).filter((scope) => scope !== undefined),
      };
    })
    .sort((a, b) => a.path.localeCompare(b.path));
}
