import { Receipt } from "lucide-react";
import Link from "next/link";
import { DateText } from "@/components/keys/date-text";
import { Card, CardHeader } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { cn } from "@/components/ui/cn";
import { TableBody, TableHead, Th, tdClass } from "@/components/ui/table";
import { monthLabel } from "@/server/services/billing/shared";
import type { InvoiceSummary } from "@/server/services/billing";
import { formatUsdExact } from "./format";

const money = "text-right font-mono whitespace-nowrap tabular-nums";
/** On a phone: the number (with its month) and the total; the rest is on the invoice. */
const narrowHidden = "hidden sm:table-cell";

export function InvoiceList({ invoices, teamSlug, firstClosesAt }: { invoices: InvoiceSummary[]; teamSlug: string; firstClosesAt: Date }) {
  return (
    <Card aria-labelledby="invoices-heading">
      <CardHeader
        title={<span id="invoices-heading">Invoices</span>}
        description="One per UTC month with usage, issued an hour after the month ends. An issued invoice never changes."
      />
      {invoices.length === 0 ? (
        <EmptyState
          inCard
          icon={Receipt}
          headingLevel={3}
          title="No invoices yet"
          description={
            <>
              The first is issued after the month closes, on <DateText value={firstClosesAt} format="datetime" />, if the team has used anything by then.
            </>
          }
        />
      ) : (
        <div className="overflow-x-auto">
          <table className="w-full text-sm">
            <TableHead>
              <Th>Invoice</Th>
              <Th className={narrowHidden}>Month</Th>
              <Th className={cn(narrowHidden, "text-right")}>Subtotal</Th>
              <Th className={cn(narrowHidden, "text-right")}>Credits</Th>
              <Th className="text-right">Total due</Th>
              <Th className={narrowHidden}>Issued</Th>
            </TableHead>
            <TableBody>
              {invoices.map((invoice) => (
                <tr key={invoice.id} data-testid="invoice-row">
                  <td className={tdClass}>
                    <Link
                      href={`/${teamSlug}/billing/invoices/${invoice.id}`}
                      className="font-medium whitespace-nowrap text-zinc-900 hover:text-indigo-600 hover:underline dark:text-zinc-100 dark:hover:text-indigo-400"
                    >
                      {invoice.number}
                    </Link>
                    <div className="text-xs text-zinc-500 sm:hidden dark:text-zinc-400">{monthLabel(invoice.month)}</div>
                  </td>
                  <td className={cn(tdClass, narrowHidden, "whitespace-nowrap")}>{monthLabel(invoice.month)}</td>
                  <td className={cn(tdClass, narrowHidden, money)}>{formatUsdExact(invoice.subtotalNano)}</td>
                  <td className={cn(tdClass, narrowHidden, money)}>{invoice.creditsNano > 0n ? formatUsdExact(-invoice.creditsNano) : "—"}</td>
                  <td className={cn(tdClass, money, "font-semibold")}>{formatUsdExact(invoice.totalNano)}</td>
                  <td className={cn(tdClass, narrowHidden, "whitespace-nowrap")}>
                    <DateText value={invoice.issuedAt} />
                  </td>
                </tr>
              ))}
            </TableBody>
          </table>
        </div>
      )}
    </Card>
  );
}
