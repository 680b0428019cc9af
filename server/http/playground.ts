import { currentUserId } from "@/server/auth/config";
import { requestInfo } from "@/server/auth/request-info";
import { getDb } from "@/server/db";
import { consoleLogger, systemClock } from "@/server/services/context";
import { AppError } from "@/server/services/errors";
import { GatewayError, notFound, permissionDenied } from "@/server/services/inference/gateway/errors";
import { errorReply, newRequestId, toResponse } from "@/server/services/inference/gateway/http";
import type { GatewayCaller } from "@/server/services/inference/gateway";
import { playgroundCaller } from "@/server/services/playground/caller";
import { isCrossSite } from "@/server/trpc/fetch-handler";
import { getConsoleGateway } from "./gateway";

/**
 * The playground's chat endpoint: the signed-in member's session instead of an API key, then the
 * very same gateway path as `/api/v1/chat/completions`, billed to the team with source `playground`.
 * Errors keep OpenAI's shape so that the page explains them the way an API client would see them.
 */
export async function handlePlaygroundChat(request: Request, teamId: string): Promise<Response> {
  const refuse = (error: GatewayError) => toResponse(errorReply(error, newRequestId()));
  if (isCrossSite(request)) return refuse(permissionDenied("Cross-site requests are not allowed.", "cross_site"));
  const userId = await currentUserId();
  if (!userId) return refuse(new GatewayError(401, "invalid_request_error", "unauthenticated", "Your session has ended. Sign in again to use the playground."));
  const ctx = { db: await getDb(), actor: { type: "user" as const, userId }, request: requestInfo(request.headers), now: systemClock, log: consoleLogger };
  let caller: GatewayCaller;
  try {
    caller = await playgroundCaller(ctx, teamId);
  } catch (error) {
    if (error instanceof AppError && error.code === "NOT_FOUND") return refuse(notFound("Team not found."));
    if (error instanceof AppError && error.code === "FORBIDDEN") {
      return refuse(permissionDenied(`${error.message} Running models needs the 'inference' permission.`, "insufficient_scope"));
    }
    throw error;
  }
  const gateway = await getConsoleGateway();
  return gateway.chatAs(caller, request);
}
