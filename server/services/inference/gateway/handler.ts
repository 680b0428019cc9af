import { touchKeyLastUsed, verifyApiKey } from "../../keys/verify-key";
import { createEmbeddings } from "./embeddings";
import { GatewayError, invalidApiKey, invalidRequest, notFound, permissionDenied } from "./errors";
import { createChatCompletion, createCompletion, type CallOptions, type Tokenizer } from "./generate";
import { errorReply, JsonReply, newRequestId, readJsonBody, toGatewayError, toResponse, type GatewayReply, type GatewayRequest } from "./http";
import { getPublicModel, listPublicModels } from "./models";
import { chatCompletionBody, completionBody, describeIssue, embeddingBody } from "./schemas";
import { recordRefusal } from "./tracker";
import type { GatewayCaller, GatewayDeps } from "./types";
import type { z } from "zod";

export interface GatewayHandlerOptions {
  /** Paths under which the API is served: `/api/v1` in the console, also `/v1` standalone. */
  basePaths: string[];
  tokenizer: Tokenizer;
  /** More of the public API under the same base paths (the compute API), with its own auth. */
  extra?: ExtraRoutes;
}

export interface ExtraRoutes {
  handles(path: string): boolean;
  handle(request: GatewayRequest, path: string, requestId: string): Promise<GatewayReply>;
}

function parseBody<T>(schema: z.ZodType<T>, body: unknown): T {
  const result = schema.safeParse(body);
  if (!result.success) {
    const { message, param } = describeIssue(result.error);
    throw invalidRequest(message, param);
  }
  return result.data;
}

/**
 * The public OpenAI-compatible API as a plain `Request → Response` function (`handle`), so that it
 * can be mounted in Next.js, and as `reply` for the standalone server, which writes JSON answers
 * without making `Response` objects. Every answer carries `x-request-id`.
 */
export function createGatewayHandler(deps: GatewayDeps, options: GatewayHandlerOptions) {
  const bases = options.basePaths.map((b) => b.replace(/\/+$/, ""));

  async function authenticate(request: GatewayRequest, scope: string | null): Promise<GatewayCaller> {
    const header = request.headers.get("authorization") ?? "";
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!match) {
      throw invalidApiKey(
        "You didn't provide an API key. Send it in the Authorization header: 'Authorization: Bearer YOUR_KEY'. Create keys in the console under API keys.",
      );
    }
    const now = deps.now();
    const verified = await verifyApiKey(deps.db, match[1]!, now);
    if (!verified.ok) throw invalidApiKey(verified.message);
    const key = verified.key;
    if (scope && !key.scopes.includes(scope as never)) {
      throw permissionDenied(
        `This API key lacks the '${scope}' scope. Create a key with that scope in the console under API keys.`,
        "insufficient_scope",
      );
    }
    void touchKeyLastUsed(deps.db, key.id, now).catch((error) =>
      deps.log.warn("could not record key use", { keyId: key.id, error: String(error) }),
    );
    return { teamId: key.teamId, source: "api", apiKey: key, userId: null };
  }

  const routes: Record<string, (caller: GatewayCaller, body: unknown, call: CallOptions) => Promise<GatewayReply>> = {
    "/chat/completions": (caller, body, call) =>
      createChatCompletion(deps, options.tokenizer, caller, parseBody(chatCompletionBody, body), call),
    "/completions": (caller, body, call) => createCompletion(deps, options.tokenizer, caller, parseBody(completionBody, body), call),
    "/embeddings": (caller, body, call) => createEmbeddings(deps, options.tokenizer, caller, parseBody(embeddingBody, body), call),
  };

  /** Reads the body and runs the route for an authenticated caller; a refusal is still metered. */
  async function serve(caller: GatewayCaller, request: GatewayRequest, path: string, call: CallOptions): Promise<GatewayReply> {
    let body: unknown;
    try {
      body = await readJsonBody(request, deps.limits.maxBodyBytes);
      return await routes[path]!(caller, body, call);
    } catch (error) {
      // A request the team sent but that never reached a model is still metered, at no cost.
      const model = (body as { model?: unknown } | undefined)?.model;
      const failure = toGatewayError(error, call.requestId);
      recordRefusal(deps, caller, call.requestId, typeof model === "string" ? model.slice(0, 256) : null, ENDPOINTS[path] ?? path, failure.status, deps.now().getTime());
      throw error;
    }
  }

  function failed(error: unknown, requestId: string): GatewayReply {
    const failure = toGatewayError(error, requestId);
    if (failure.status >= 500) deps.log.error("gateway request failed", { requestId, error: String((error as Error)?.stack ?? error) });
    return errorReply(failure, requestId);
  }

  async function reply(request: GatewayRequest): Promise<GatewayReply> {
    const requestId = newRequestId();
    try {
      const url = new URL(request.url);
      const base = bases.find((b) => url.pathname === b || url.pathname.startsWith(b + "/"));
      if (base === undefined) throw notFound(`Unknown path ${url.pathname}.`);
      const path = url.pathname.slice(base.length).replace(/\/+$/, "") || "/";
      const method = request.method.toUpperCase();
      const call = { requestId, signal: request.signal };
      if (!routes[path] && options.extra?.handles(path)) return await options.extra.handle(request, path, requestId);

      if (path === "/models" || path.startsWith("/models/")) {
        if (method !== "GET") throw methodNotAllowed(method, path);
        const caller = await authenticate(request, null);
        const body =
          path === "/models"
            ? await listPublicModels(deps, caller)
            : await getPublicModel(deps, caller, decodeURIComponent(path.slice("/models/".length)));
        return new JsonReply(body, 200, { "x-request-id": requestId });
      }

      if (!routes[path]) throw notFound(`Unknown path ${base}${path}. See GET ${base}/models for what this API serves.`);
      if (method !== "POST") throw methodNotAllowed(method, path);
      // Authenticate before reading the body: an unknown key costs no parsing at all.
      const caller = await authenticate(request, "inference");
      return await serve(caller, request, path, call);
    } catch (error) {
      return failed(error, requestId);
    }
  }

  /**
   * A chat completion for a caller the console has already authenticated and authorised (the
   * playground): the same admission, limits, engines and metering as the public API.
   */
  async function chatAs(caller: GatewayCaller, request: Request): Promise<Response> {
    const requestId = newRequestId();
    try {
      return toResponse(await serve(caller, request, "/chat/completions", { requestId, signal: request.signal }));
    } catch (error) {
      return toResponse(failed(error, requestId));
    }
  }

  return { handle: async (request: Request) => toResponse(await reply(request)), reply, chatAs };
}

const ENDPOINTS: Record<string, string> = { "/chat/completions": "chat", "/completions": "completions", "/embeddings": "embeddings" };

function methodNotAllowed(method: string, path: string): GatewayError {
  return new GatewayError(405, "invalid_request_error", "method_not_allowed", `${method} is not allowed on ${path}.`);
}
