import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { CreditHistory } from "@/components/billing/credit-history";
import { CreditSummary } from "@/components/billing/credit-summary";
import { InvoiceList } from "@/components/billing/invoice-list";
import { PageHeader } from "@/components/ui/page-header";
import { requireTeamPage } from "@/server/auth/page-session";
import { teamCredits, teamInvoices } from "@/server/services/billing";
import { hasScope } from "@/server/services/teams/permissions";

export const metadata: Metadata = { title: "Billing" };

export default async function BillingPage({ params }: PageProps<"/[team]/billing">) {
  const { team: slug } = await params;
  const ctx = await requireTeamPage(slug);
  if (!hasScope(ctx.role, "usage:read")) notFound();
  const [credits, invoices] = await Promise.all([teamCredits(ctx), teamInvoices(ctx)]);
  return (
    <>
      <PageHeader title="Billing" description="Prepaid credit and monthly invoices. Each UTC month's usage is invoiced once the month has closed, with credit applied first." />
      <div className="space-y-6">
        <CreditSummary credits={credits} />
        <InvoiceList invoices={invoices} teamSlug={ctx.team.slug} firstClosesAt={credits.closesAt} />
        <CreditHistory grants={credits.grants} teamSlug={ctx.team.slug} />
      </div>
    </>
  );
}
