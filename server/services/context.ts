import type { Db } from "@/server/db";
import { AppError } from "./errors";
import { hasScope, type Role, type Scope } from "./teams/permissions";

export type Actor = { type: "user"; userId: string } | { type: "api_key"; keyId: string } | { type: "anonymous" } | { type: "system" };

export interface RequestInfo {
  ip: string | null;
  userAgent: string | null;
}

export interface Logger {
  info(message: string, data?: Record<string, unknown>): void;
  warn(message: string, data?: Record<string, unknown>): void;
  error(message: string, data?: Record<string, unknown>): void;
}

/** What every service receives: the database, who is acting, from where, and the clock. */
export interface ServiceContext {
  db: Db;
  actor: Actor;
  request: RequestInfo;
  now: () => Date;
  log: Logger;
}

/** The context of work nobody asked for just now: the worker's jobs, month close, enforcement. */
export function systemContext(db: Db, now: () => Date, log: Logger): ServiceContext {
  return { db, actor: { type: "system" }, request: { ip: null, userAgent: null }, now, log };
}

export interface TeamRef {
  id: string;
  name: string;
  slug: string;
}

/** A context bound to one team whose membership was loaded from the database for this call. */
export interface TeamContext extends ServiceContext {
  actor: { type: "user"; userId: string };
  team: TeamRef;
  role: Role;
}

export function requireScope(ctx: TeamContext, scope: Scope): void {
  if (!hasScope(ctx.role, scope)) {
    throw new AppError("FORBIDDEN", `Your role (${ctx.role}) does not allow this. Ask a team owner or admin.`);
  }
}

export function userIdOf(ctx: ServiceContext): string {
  if (ctx.actor.type !== "user") throw new AppError("UNAUTHORIZED", "Sign in to continue.");
  return ctx.actor.userId;
}

export const consoleLogger: Logger = {
  info: (message, data) => console.info(JSON.stringify({ level: "info", message, ...data })),
  warn: (message, data) => console.warn(JSON.stringify({ level: "warn", message, ...data })),
  error: (message, data) => console.error(JSON.stringify({ level: "error", message, ...data })),
};

export const systemClock = () => new Date();
