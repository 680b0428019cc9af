import { invoiceIdInput, teamCredits, teamInvoice, teamInvoices } from "@/server/services/billing";
import { requires, router, teamProcedure } from "../init";

export const billingRouter = router({
  /** The credit balance, this month's spend so far, and every grant with what invoices used. */
  credits: teamProcedure.use(requires("usage:read")).query(({ ctx }) => teamCredits(ctx.team)),

  /** The team's invoices, the latest month first. */
  invoices: teamProcedure.use(requires("usage:read")).query(({ ctx }) => teamInvoices(ctx.team)),

  /** One invoice with its lines; another team's id is NOT_FOUND. */
  invoice: teamProcedure
    .use(requires("usage:read"))
    .input(invoiceIdInput)
    .query(({ ctx, input }) => teamInvoice(ctx.team, input)),
});
