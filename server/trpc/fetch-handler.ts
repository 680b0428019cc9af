import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { currentSession } from "@/server/auth/config";
import { requestInfo } from "@/server/auth/request-info";
import { getDb } from "@/server/db";
import { consoleLogger, systemClock } from "@/server/services/context";
import { appRouter } from "./root";

/**
 * Browsers mark cross-site requests with Sec-Fetch-Site and Origin; a mutation from another site
 * is refused before it reaches a procedure (SameSite cookies are the first line, this the second).
 */
export function isCrossSite(request: Request): boolean {
  const site = request.headers.get("sec-fetch-site");
  if (site && site !== "same-origin" && site !== "none") return true;
  const origin = request.headers.get("origin");
  if (!origin) return false;
  const host = request.headers.get("x-forwarded-host") ?? request.headers.get("host");
  try {
    return new URL(origin).host !== host;
  } catch {
    return true;
  }
}

export async function handleTrpcRequest(request: Request): Promise<Response> {
  if (request.method !== "GET" && isCrossSite(request)) {
    return Response.json(
      { error: { message: "Cross-site requests are not allowed.", code: "FORBIDDEN" } },
      { status: 403 },
    );
  }
  return fetchRequestHandler({
    endpoint: "/api/trpc",
    req: request,
    router: appRouter,
    createContext: async () => ({
      db: await getDb(),
      ...(await currentSession()),
      request: requestInfo(request.headers),
      now: systemClock,
      log: consoleLogger,
    }),
  });
}
