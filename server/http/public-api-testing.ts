import { readFileSync } from "node:fs";
import path from "node:path";
import { count, eq } from "drizzle-orm";
import { ZodObject } from "zod";
import type { Db } from "@/server/db";
import { allocations, auditEvents, instanceEvents, instances, reservations, sshKeys, teams, teamSpend, usageEvents, type ApiKeyScope } from "@/server/db/schema";
import type { ComputeScope } from "@/server/services/compute/context";
import { quietLog, startTestGateway } from "@/server/services/inference/gateway/testing";
import { createComputeApi } from "./compute-api";
import { COMPUTE_ROUTES } from "./compute-routes";
import { combineRoutes } from "./extra-routes";
import { createUsageApi } from "./usage-routes";

/**
 * Test-only: the public API (`/api/v1`) as gateway.ts assembles it, and an inventory of its routes
 * read from the code, so that the key-scope matrix and the cross-team test fail when a route is
 * added without a case.
 */

/** The gateway with the compute and usage APIs behind it, over real HTTP on a loopback port. */
export function startPublicApi(db: Db) {
  const api = { db, now: () => new Date(), log: quietLog };
  return startTestGateway(db, { extra: combineRoutes(createComputeApi(api, COMPUTE_ROUTES), createUsageApi(api)) });
}

export interface PublicRoute {
  /** "GET /instances/{id}": the method and the path below the API's base. */
  name: string;
  /** The key scopes that let a request through, as the README documents them; empty: any valid key. */
  keyScopes: readonly ApiKeyScope[];
  /** Path parameters and body fields that name something by id. */
  ids: string[];
}

/** What the README promises: `instances:read` reads, `instances:write` reads and changes. */
const KEY_SCOPES_OF: Record<ComputeScope, readonly ApiKeyScope[]> = {
  "compute:read": ["instances:read", "instances:write"],
  "compute:write": ["instances:write"],
};

/** /^\/instances\/(?<id>[^/]+)$/ → "/instances/{id}". */
function pathOf(pattern: RegExp): string {
  const template = pattern.source
    .replace(/^\^|\$$/g, "")
    .replace(/\\\//g, "/")
    .replace(/\(\?<(\w+)>\[\^\/\]\+\)/g, "{$1}");
  if (/[\\()[\]^$?*+|]/.test(template)) throw new Error(`Cannot read the route pattern ${pattern.source} as a path; extend pathOf()`);
  return template;
}

function computeRoutes(): PublicRoute[] {
  return COMPUTE_ROUTES.map((route) => {
    const template = pathOf(route.pattern);
    const params = [...template.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);
    const bodyIds = route.body instanceof ZodObject ? Object.keys(route.body.shape).filter((field) => /(^|_)ids?$/.test(field)) : [];
    return { name: `${route.method} ${template}`, keyScopes: KEY_SCOPES_OF[route.scope], ids: [...params, ...bodyIds] };
  });
}

/**
 * The gateway's own routes. Its table is local to createGatewayHandler, so it is read from the
 * source: a path added to that table shows up here, and a changed shape fails loudly.
 */
function inferenceRoutes(): PublicRoute[] {
  const file = path.join(import.meta.dirname, "../services/inference/gateway/handler.ts");
  const source = readFileSync(file, "utf8");
  const table = /const routes: Record<[^\n]*\{\n([\s\S]*?)\n {2}\};/.exec(source)?.[1];
  const paths = [...(table ?? "").matchAll(/^\s*"(\/[\w/.-]+)":/gm)].map((m) => m[1]!);
  if (paths.length === 0) throw new Error(`Could not find the gateway's route table in ${file}; update inferenceRoutes()`);
  if (!source.includes('path === "/models" || path.startsWith("/models/")')) {
    throw new Error(`${file} no longer serves /models and /models/{id} as inferenceRoutes() expects; update it`);
  }
  return [
    { name: "GET /models", keyScopes: [], ids: [] },
    { name: "GET /models/{id}", keyScopes: [], ids: ["id"] },
    ...paths.map((p) => ({ name: `POST ${p}`, keyScopes: ["inference"] as const, ids: [] })),
  ];
}

/** Every route of the public API. */
export function publicApiRoutes(): PublicRoute[] {
  // usage-routes.ts serves exactly one path and answers 404 for anything below it.
  return [...inferenceRoutes(), ...computeRoutes(), { name: "GET /usage", keyScopes: ["usage:read"], ids: [] }];
}

/** Everything of a team that a public API call could change, to prove a refused call changed nothing. */
export async function teamRows(db: Db, teamId: string) {
  const [team] = await db.select().from(teams).where(eq(teams.id, teamId));
  const [audit] = await db.select({ n: count() }).from(auditEvents).where(eq(auditEvents.teamId, teamId));
  return {
    team,
    auditEvents: audit?.n,
    instances: await db.select().from(instances).where(eq(instances.teamId, teamId)).orderBy(instances.id),
    instanceEvents: await db.select().from(instanceEvents).where(eq(instanceEvents.teamId, teamId)).orderBy(instanceEvents.id),
    reservations: await db.select().from(reservations).where(eq(reservations.teamId, teamId)).orderBy(reservations.id),
    allocations: await db.select().from(allocations).where(eq(allocations.teamId, teamId)).orderBy(allocations.id),
    sshKeys: await db.select().from(sshKeys).where(eq(sshKeys.teamId, teamId)).orderBy(sshKeys.id),
    usageEvents: await db.select().from(usageEvents).where(eq(usageEvents.teamId, teamId)).orderBy(usageEvents.id),
    spend: await db.select().from(teamSpend).where(eq(teamSpend.teamId, teamId)),
  };
}
