import { ZodError, type z } from "zod";
import { BUDGET_CAP_REACHED } from "@/server/services/budgets/cap";
import type { Db } from "@/server/db";
import { teams } from "@/server/db/schema";
import { eq } from "drizzle-orm";
import { computeContextOfKey, requireCompute, type ComputeContext, type ComputeScope } from "@/server/services/compute/context";
import type { Logger } from "@/server/services/context";
import { AppError, type AppErrorCode } from "@/server/services/errors";
import { GatewayError, invalidApiKey, invalidRequest, notFound } from "@/server/services/inference/gateway/errors";
import { JsonReply, readJsonBody, type GatewayRequest } from "@/server/services/inference/gateway/http";
import { touchKeyLastUsed, verifyApiKey, type VerifiedKey } from "@/server/services/keys/verify-key";

/**
 * The public compute API (`/v1/instances`, `/v1/reservations`, `/v1/instance-types`, `/v1/regions`):
 * API keys with `instances:read` / `instances:write`, the same services as the console, and
 * errors in the same `{ error: { message, type, param, code } }` shape as the inference API.
 */

export interface ComputeRequest<TBody> {
  params: Record<string, string>;
  query: URLSearchParams;
  body: TBody;
  /** The Idempotency-Key header, for creates that cost money. */
  idempotencyKey: string | null;
}

export interface ComputeRoute {
  method: "GET" | "POST" | "DELETE";
  /** E.g. /^\/instances\/(?<id>[^/]+)$/ against the path below the API's base. */
  pattern: RegExp;
  scope: ComputeScope;
  body?: z.ZodType;
  handle(ctx: ComputeContext, request: ComputeRequest<unknown>): Promise<{ status?: number; body: unknown }>;
}

/** Builds a route with a typed body; the body is validated before the handler runs. */
export function route<TSchema extends z.ZodType = z.ZodType<undefined>>(definition: {
  method: ComputeRoute["method"];
  pattern: RegExp;
  scope: ComputeScope;
  body?: TSchema;
  handle(ctx: ComputeContext, request: ComputeRequest<z.output<TSchema>>): Promise<{ status?: number; body: unknown }>;
}): ComputeRoute {
  return definition as ComputeRoute;
}

const STATUS: Record<AppErrorCode, [number, string]> = {
  BAD_REQUEST: [400, "invalid_request_error"],
  UNAUTHORIZED: [401, "invalid_request_error"],
  FORBIDDEN: [403, "permission_error"],
  NOT_FOUND: [404, "invalid_request_error"],
  CONFLICT: [409, "invalid_request_error"],
  TOO_MANY_REQUESTS: [429, "rate_limit_error"],
  INTERNAL: [500, "api_error"],
};

const PARAM_NAMES: Record<string, string> = { instanceTypeId: "instance_type", regionId: "region" };

/** The API's name for a service's field: snake_case, and ids named as the API names them. */
function apiParam(field: string): string {
  return PARAM_NAMES[field] ?? field.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

/** A service's AppError or a validation failure, as the API's error; anything else is not ours to explain. */
export function toApiError(error: unknown): GatewayError | null {
  if (error instanceof GatewayError) return error;
  if (error instanceof AppError) {
    const [status, type] = STATUS[error.code];
    const field = Object.keys(error.details.fieldErrors ?? {})[0];
    const param = field ? apiParam(field) : null;
    const headers: Record<string, string> = error.details.retryAfterSeconds ? { "retry-after": String(error.details.retryAfterSeconds) } : {};
    // A reused Idempotency-Key with another body: 422, as the request itself is well-formed.
    if (error.details.reason === BUDGET_CAP_REACHED) return new GatewayError(429, "insufficient_quota", "insufficient_quota", error.message, null, headers);
    if (error.details.reason === "idempotency_key_reused") return new GatewayError(422, type, "idempotency_key_reused", error.message, "Idempotency-Key", headers);
    return new GatewayError(status, type, error.code === "FORBIDDEN" ? "insufficient_scope" : error.code.toLowerCase(), error.message, param, headers);
  }
  if (error instanceof ZodError) {
    const issue = error.issues[0];
    const param = issue?.path.map((part) => apiParam(String(part))).join(".") || null;
    return invalidRequest(param ? `Invalid '${param}': ${issue!.message}` : (issue?.message ?? "Invalid request."), param);
  }
  return null;
}

/** JSON with exact money: bigints (nano-USD) become decimal strings. */
export function jsonBody(body: unknown): string {
  return JSON.stringify(body, (_key, value: unknown) => (typeof value === "bigint" ? value.toString() : value));
}

/**
 * The API key in the request's `Authorization: Bearer` header, verified (and its use recorded), or
 * the OpenAI-shaped 401 that says what is wrong with it. Scopes are the caller's to check.
 */
export async function bearerKey(deps: { db: Db; now: () => Date; log: Logger }, request: GatewayRequest): Promise<VerifiedKey> {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.get("authorization") ?? "");
  if (!match) throw invalidApiKey("You didn't provide an API key. Send it in the Authorization header: 'Authorization: Bearer YOUR_KEY'.");
  const now = deps.now();
  const verified = await verifyApiKey(deps.db, match[1]!, now);
  if (!verified.ok) throw invalidApiKey(verified.message);
  const key = verified.key;
  void touchKeyLastUsed(deps.db, key.id, now).catch((error) => deps.log.warn("could not record key use", { keyId: key.id, error: String(error) }));
  return key;
}

const ROOTS = new Set(["instances", "reservations", "instance-types", "regions"]);

export function createComputeApi(deps: { db: Db; now: () => Date; log: Logger }, routes: ComputeRoute[]) {
  async function authenticate(request: GatewayRequest): Promise<ComputeContext> {
    const key = await bearerKey(deps, request);
    const [team] = await deps.db.select({ id: teams.id, name: teams.name, slug: teams.slug }).from(teams).where(eq(teams.id, key.teamId)).limit(1);
    if (!team) throw invalidApiKey("This API key's team no longer exists.");
    const forwarded = request.headers.get("x-forwarded-for")?.split(",")[0]?.trim();
    return computeContextOfKey(
      { db: deps.db, actor: { type: "anonymous" }, request: { ip: forwarded || null, userAgent: request.headers.get("user-agent") }, now: deps.now, log: deps.log },
      key,
      team,
    );
  }

  return {
    /** Whether `path` (below the API's base, e.g. "/instances/ins_1") belongs to the compute API. */
    handles(path: string): boolean {
      return ROOTS.has(path.split("/")[1] ?? "");
    },

    async handle(request: GatewayRequest, path: string, requestId: string): Promise<JsonReply> {
      const method = request.method.toUpperCase();
      const matching = routes.filter((r) => r.pattern.test(path));
      if (matching.length === 0) throw notFound(`Unknown path ${path}.`);
      const found = matching.find((r) => r.method === method);
      if (!found) {
        throw new GatewayError(405, "invalid_request_error", "method_not_allowed", `${method} is not allowed on ${path}; use ${matching.map((r) => r.method).join(" or ")}.`);
      }
      const ctx = await authenticate(request);
      try {
        requireCompute(ctx, found.scope);
        let body: unknown = undefined;
        if (found.body) {
          const raw = await readJsonBody(request, 256 * 1024);
          const parsed = found.body.safeParse(raw);
          if (!parsed.success) throw parsed.error;
          body = parsed.data;
        }
        const idempotencyKey = request.headers.get("idempotency-key");
        if (idempotencyKey !== null && (idempotencyKey.length < 1 || idempotencyKey.length > 255)) {
          throw invalidRequest("The Idempotency-Key header must be 1 to 255 characters.", "Idempotency-Key");
        }
        const result = await found.handle(ctx, {
          params: found.pattern.exec(path)?.groups ?? {},
          query: new URL(request.url).searchParams,
          body,
          idempotencyKey,
        });
        return new JsonReply(result.body, result.status ?? 200, { "x-request-id": requestId }, jsonBody);
      } catch (error) {
        const failure = toApiError(error);
        if (failure) throw failure;
        throw error;
      }
    },
  };
}

export type ComputeApi = ReturnType<typeof createComputeApi>;
