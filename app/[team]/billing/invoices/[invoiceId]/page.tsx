import { ArrowLeft } from "lucide-react";
import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { ZodError } from "zod";
import { InvoiceActions } from "@/components/billing/invoice-actions";
import { InvoiceDocument } from "@/components/billing/invoice-document";
import { requireTeamPage } from "@/server/auth/page-session";
import { teamInvoice, type InvoiceDetail } from "@/server/services/billing";
import { AppError } from "@/server/services/errors";
import { hasScope } from "@/server/services/teams/permissions";

export const metadata: Metadata = { title: "Invoice" };

/**
 * Printing shows the invoice alone. The console's chrome (sidebar, top bar, the grid that holds
 * them) belongs to the team layout, so this page's root reaches it with print-only variants:
 * everything beside <main> is hidden, the grid becomes a plain block, and <main> loses its padding.
 */
const PRINT_ONLY_INVOICE =
  "print:[body:has(&)_:has(>main)]:block print:[body:has(&)_:has(>main)>:not(main)]:hidden print:[body:has(&)_main]:p-0 print:[body:has(&)_main>div]:max-w-none";

export default async function InvoicePage({ params }: PageProps<"/[team]/billing/invoices/[invoiceId]">) {
  const { team: slug, invoiceId } = await params;
  const ctx = await requireTeamPage(slug);
  if (!hasScope(ctx.role, "usage:read")) notFound();
  let invoice: InvoiceDetail;
  // Another team's invoice, none, or an id no invoice could have: the same 404 as for a team one is not in.
  try {
    invoice = await teamInvoice(ctx, { invoiceId });
  } catch (error) {
    if ((error instanceof AppError && error.code === "NOT_FOUND") || error instanceof ZodError) notFound();
    throw error;
  }
  return (
    <div className={`space-y-6 ${PRINT_ONLY_INVOICE}`}>
      <div className="flex flex-wrap items-end justify-between gap-4 print:hidden">
        <Link href={`/${ctx.team.slug}/billing`} className="inline-flex items-center gap-1 text-sm text-zinc-500 hover:text-zinc-900 dark:hover:text-zinc-100">
          <ArrowLeft className="h-3.5 w-3.5" aria-hidden /> Billing
        </Link>
        <InvoiceActions csvHref={`/api/teams/${ctx.team.id}/invoices/${invoice.id}/csv`} />
      </div>
      <InvoiceDocument invoice={invoice} />
    </div>
  );
}
