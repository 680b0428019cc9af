import { and, eq } from "drizzle-orm";
import { z } from "zod";
import { teamSpend } from "@/server/db/schema";
import { requireScope, type TeamContext } from "../context";
import { creditBalance, creditHistory, type CreditHistoryEntry } from "./credits";
import { invoiceCsv, invoiceCsvFilename } from "./invoice-csv";
import { getInvoice, listInvoices, INVOICE_NOT_FOUND, type InvoiceDetail, type InvoiceSummary } from "./invoices";
import { monthClosesAt, monthKey } from "./shared";

/**
 * The team's door onto credits and invoices: what the console (tRPC and the CSV download) calls.
 * Members whose role has `usage:read` may read; nobody in a team grants credit or issues invoices.
 */

export const invoiceIdInput = z.object({
  invoiceId: z.string({ error: "Name an invoice." }).trim().min(1, "Name an invoice.").max(64, INVOICE_NOT_FOUND),
});
export type InvoiceIdInput = z.input<typeof invoiceIdInput>;

export interface TeamCredits {
  /** Credit left to spend now. */
  balanceNano: bigint;
  /** The current month's spend so far, which its invoice will draw from the balance. */
  monthToDateNano: bigint;
  month: string;
  /** When the current month's invoice is issued. */
  closesAt: Date;
  grants: CreditHistoryEntry[];
}

export async function teamCredits(ctx: TeamContext): Promise<TeamCredits> {
  requireScope(ctx, "usage:read");
  const now = ctx.now();
  const month = monthKey(now);
  const [spend] = await ctx.db
    .select({ spentNano: teamSpend.spentNano })
    .from(teamSpend)
    .where(and(eq(teamSpend.teamId, ctx.team.id), eq(teamSpend.month, month)));
  return {
    balanceNano: await creditBalance(ctx.db, ctx.team.id, now),
    monthToDateNano: spend?.spentNano ?? 0n,
    month,
    closesAt: monthClosesAt(month),
    grants: await creditHistory(ctx.db, ctx.team.id, now),
  };
}

export async function teamInvoices(ctx: TeamContext): Promise<InvoiceSummary[]> {
  requireScope(ctx, "usage:read");
  return listInvoices(ctx.db, ctx.team.id);
}

export async function teamInvoice(ctx: TeamContext, rawInput: InvoiceIdInput): Promise<InvoiceDetail> {
  requireScope(ctx, "usage:read");
  const { invoiceId } = invoiceIdInput.parse(rawInput);
  return getInvoice(ctx.db, ctx.team.id, invoiceId);
}

export async function teamInvoiceCsv(ctx: TeamContext, rawInput: InvoiceIdInput): Promise<{ filename: string; csv: string }> {
  const invoice = await teamInvoice(ctx, rawInput);
  return { filename: invoiceCsvFilename(invoice), csv: invoiceCsv(invoice) };
}
