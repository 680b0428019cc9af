import { ZodError } from "zod";
import { currentUserId } from "@/server/auth/config";
import { requestInfo } from "@/server/auth/request-info";
import { getDb } from "@/server/db";
import { teamInvoiceCsv } from "@/server/services/billing";
import { consoleLogger, systemClock } from "@/server/services/context";
import { AppError, type AppErrorCode } from "@/server/services/errors";
import { enterTeam } from "@/server/services/teams/team-access";

export const dynamic = "force-dynamic";

const STATUS: Record<AppErrorCode, number> = {
  BAD_REQUEST: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  TOO_MANY_REQUESTS: 429,
  INTERNAL: 500,
};

/** Plain text: what a browser shows for a download link that went wrong. */
function text(status: number, message: string): Response {
  return new Response(`${message}\n`, { status, headers: { "content-type": "text/plain; charset=utf-8", "cache-control": "no-store" } });
}

/**
 * An invoice as CSV, for the member's session: a non-member gets 404 as if the team did not
 * exist, a member without `usage:read` 403, and another team's invoice id 404.
 */
export async function GET(request: Request, { params }: { params: Promise<{ teamId: string; invoiceId: string }> }): Promise<Response> {
  const { teamId, invoiceId } = await params;
  try {
    const userId = await currentUserId();
    if (!userId) return text(401, "Your session has ended. Sign in again, then download the invoice from the Billing page.");
    const ctx = { db: await getDb(), actor: { type: "user" as const, userId }, request: requestInfo(request.headers), now: systemClock, log: consoleLogger };
    const { filename, csv } = await teamInvoiceCsv(await enterTeam(ctx, { teamId }), { invoiceId });
    return new Response(csv, {
      status: 200,
      headers: {
        "content-type": "text/csv; charset=utf-8",
        "content-disposition": `attachment; filename="${filename}"`,
        "cache-control": "private, no-store",
      },
    });
  } catch (error) {
    if (error instanceof AppError) return text(STATUS[error.code], error.message);
    if (error instanceof ZodError) return text(404, "Invoice not found.");
    consoleLogger.error("invoice export failed", { error: String((error as Error)?.stack ?? error) });
    return text(500, "Something went wrong on our side while preparing the file. Try again; if it keeps happening, contact support.");
  }
}
