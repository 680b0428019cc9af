import { ZodError } from "zod";
import { currentUserId } from "@/server/auth/config";
import { requestInfo } from "@/server/auth/request-info";
import { getDb } from "@/server/db";
import { exportAuditCsv } from "@/server/services/audit/export";
import { auditParamsFromSearch } from "@/server/services/audit/filters";
import { teamInvoiceCsv } from "@/server/services/billing";
import { consoleLogger, systemClock, type TeamContext } from "@/server/services/context";
import { AppError, type AppErrorCode } from "@/server/services/errors";
import { exportBreakdownCsv, exportRawUsage, spendParamsFromSearch, type CsvBreakdown, type SpendReportInput } from "@/server/services/spend";
import { enterTeam } from "@/server/services/teams/team-access";

/**
 * The console's CSV downloads, authenticated by the member's session: the spend page's
 * (`/api/teams/<team id>/spend/breakdown.csv?by=…` and `/spend/usage.csv`, which take the page's own
 * search parameters — range, from, to, filter, value — so a download holds exactly what the page
 * shows), an invoice's (`/invoices/<id>/csv`) and the audit log's (`/audit.csv`, with the log's
 * filters). A non-member gets 404 as if the team did not exist, a member whose role lacks the scope
 * (`usage:read`, `audit:read`) 403. Failures answer in plain text, which is what a browser shows
 * for a link that went wrong.
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

function csvResponse(filename: string, body: BodyInit): Response {
  return new Response(body, {
    status: 200,
    headers: {
      "content-type": "text/csv; charset=utf-8",
      "content-disposition": `attachment; filename="${filename.replace(/[^\w.-]/g, "_")}"`,
      "cache-control": "private, no-store",
    },
  });
}

/**
 * Runs `produce` as the signed-in member of the team and turns every failure into a plain-text
 * answer: `page` names where to download the file again, `invalid` words a rejected input.
 */
async function download(
  request: Request,
  teamId: string,
  options: { page: string; invalid: (error: ZodError) => Response },
  produce: (team: TeamContext) => Promise<Response>,
): Promise<Response> {
  try {
    const userId = await currentUserId();
    if (!userId) return text(401, `Your session has ended. Sign in again, then download the file from the ${options.page} page.`);
    const ctx = { db: await getDb(), actor: { type: "user" as const, userId }, request: requestInfo(request.headers), now: systemClock, log: consoleLogger };
    return await produce(await enterTeam(ctx, { teamId }));
  } catch (error) {
    if (error instanceof AppError) return text(STATUS[error.code], error.message);
    if (error instanceof ZodError) return options.invalid(error);
    consoleLogger.error("CSV export failed", { error: String((error as Error)?.stack ?? error) });
    return text(500, "Something went wrong on our side while preparing the file. Try again; if it keeps happening, contact support.");
  }
}

const SPEND = {
  page: "Spend",
  invalid: (error: ZodError) => text(400, error.issues[0]?.message ?? "Check the range and the filter, then try again."),
};

function inputOf(request: Request): SpendReportInput {
  const { range, filter } = spendParamsFromSearch(new URL(request.url).searchParams);
  return { range, filter: filter as SpendReportInput["filter"] };
}

export function handleBreakdownCsv(request: Request, teamId: string): Promise<Response> {
  return download(request, teamId, SPEND, async (team) => {
    const by = (new URL(request.url).searchParams.get("by") ?? "day") as CsvBreakdown;
    const { filename, body } = await exportBreakdownCsv(team, { ...inputOf(request), by });
    return csvResponse(filename, body);
  });
}

/** A CSV made page by page, pulled as the client reads, so a slow download holds one page at a time. */
function streamedCsv(filename: string, chunks: AsyncIterable<string>, what: string): Response {
  const iterator = chunks[Symbol.asyncIterator]();
  const encoder = new TextEncoder();
  const stream = new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const next = await iterator.next();
        if (next.done) controller.close();
        else controller.enqueue(encoder.encode(next.value));
      } catch (error) {
        consoleLogger.error(`${what} failed mid-stream`, { error: String(error) });
        controller.error(error);
      }
    },
    async cancel() {
      await iterator.return?.();
    },
  });
  return csvResponse(filename, stream);
}

export function handleRawUsageCsv(request: Request, teamId: string): Promise<Response> {
  return download(request, teamId, SPEND, async (team) => {
    const { filename, chunks } = await exportRawUsage(team, inputOf(request));
    return streamedCsv(filename, chunks, "usage export");
  });
}

/** The audit log as CSV, with the filters the log page has in its URL (`?actor=…&action=…&from=…`). */
export function handleAuditCsv(request: Request, teamId: string): Promise<Response> {
  const invalid = (error: ZodError) => text(400, error.issues[0]?.message ?? "Check the filters, then try again.");
  return download(request, teamId, { page: "Activity", invalid }, async (team) => {
    const { filename, chunks } = await exportAuditCsv(team, auditParamsFromSearch(new URL(request.url).searchParams));
    return streamedCsv(filename, chunks, "audit export");
  });
}

/** An invoice as CSV; another team's invoice id, or one that is not an id at all, is 404. */
export function handleInvoiceCsv(request: Request, teamId: string, invoiceId: string): Promise<Response> {
  return download(request, teamId, { page: "Billing", invalid: () => text(404, "Invoice not found.") }, async (team) => {
    const { filename, csv } = await teamInvoiceCsv(team, { invoiceId });
    return csvResponse(filename, csv);
  });
}
