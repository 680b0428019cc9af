import { ZodError } from "zod";
import { currentUserId } from "@/server/auth/config";
import { requestInfo } from "@/server/auth/request-info";
import { getDb } from "@/server/db";
import { consoleLogger, systemClock, type TeamContext } from "@/server/services/context";
import { AppError, type AppErrorCode } from "@/server/services/errors";
import { exportBreakdownCsv, exportRawUsage, spendParamsFromSearch, type CsvBreakdown, type SpendReportInput } from "@/server/services/spend";
import { enterTeam } from "@/server/services/teams/team-access";

/**
 * The spend page's CSV downloads (`/api/teams/<team id>/spend/breakdown.csv?by=…` and
 * `/spend/usage.csv`), authenticated by the member's session. They take the page's own search
 * parameters (range, from, to, filter, value), so a download holds exactly what the page shows.
 * Failures answer in plain text, which is what a browser shows for a link that went wrong.
 */

const STATUS: Record<AppErrorCode, number> = {
  BAD_REQUEST: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  TOO_MANY_REQUESTS: 429,
  INTERNAL: 500,
};

function text(status: number, message: string): Response {
  return new Response(`${message}\n`, { status, headers: { "content-type": "text/plain; charset=utf-8", "cache-control": "no-store" } });
}

function csvHeaders(filename: string): Record<string, string> {
  return {
    "content-type": "text/csv; charset=utf-8",
    "content-disposition": `attachment; filename="${filename.replace(/[^\w.-]/g, "_")}"`,
    "cache-control": "no-store",
  };
}

async function memberOf(request: Request, teamId: string): Promise<TeamContext | Response> {
  const userId = await currentUserId();
  if (!userId) return text(401, "Your session has ended. Sign in again, then download the file from the Spend page.");
  const ctx = { db: await getDb(), actor: { type: "user" as const, userId }, request: requestInfo(request.headers), now: systemClock, log: consoleLogger };
  return enterTeam(ctx, { teamId });
}

function inputOf(request: Request): SpendReportInput {
  const { range, filter } = spendParamsFromSearch(new URL(request.url).searchParams);
  return { range, filter: filter as SpendReportInput["filter"] };
}

function failed(error: unknown): Response {
  if (error instanceof AppError) return text(STATUS[error.code], error.message);
  if (error instanceof ZodError) return text(400, error.issues[0]?.message ?? "Check the range and the filter, then try again.");
  consoleLogger.error("spend export failed", { error: String((error as Error)?.stack ?? error) });
  return text(500, "Something went wrong on our side while preparing the file. Try again; if it keeps happening, contact support.");
}

export async function handleBreakdownCsv(request: Request, teamId: string): Promise<Response> {
  try {
    const team = await memberOf(request, teamId);
    if (team instanceof Response) return team;
    const by = (new URL(request.url).searchParams.get("by") ?? "day") as CsvBreakdown;
    const { filename, body } = await exportBreakdownCsv(team, { ...inputOf(request), by });
    return new Response(body, { status: 200, headers: csvHeaders(filename) });
  } catch (error) {
    return failed(error);
  }
}

export async function handleRawUsageCsv(request: Request, teamId: string): Promise<Response> {
  try {
    const team = await memberOf(request, teamId);
    if (team instanceof Response) return team;
    const { filename, chunks } = await exportRawUsage(team, inputOf(request));
    const iterator = chunks[Symbol.asyncIterator]();
    const encoder = new TextEncoder();
    // Pulled page by page as the client reads, so a slow download holds one page at a time.
    const stream = new ReadableStream<Uint8Array>({
      async pull(controller) {
        try {
          const next = await iterator.next();
          if (next.done) controller.close();
          else controller.enqueue(encoder.encode(next.value));
        } catch (error) {
          consoleLogger.error("usage export failed mid-stream", { error: String(error) });
          controller.error(error);
        }
      },
      async cancel() {
        await iterator.return?.();
      },
    });
    return new Response(stream, { status: 200, headers: csvHeaders(filename) });
  } catch (error) {
    return failed(error);
  }
}
