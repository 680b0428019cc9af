import { DateText } from "@/components/keys/date-text";
import { cn } from "@/components/ui/cn";
import { Logo } from "@/components/ui/logo";
import { monthLabel } from "@/server/services/billing/shared";
import type { InvoiceDetail } from "@/server/services/billing";
import { formatUsdExact, lineQuantity } from "./format";

const th = "px-0 py-2 text-left text-xs font-medium tracking-wide text-zinc-500 uppercase dark:text-zinc-400 print:text-zinc-600";
const money = "text-right font-mono whitespace-nowrap tabular-nums";
const muted = "text-zinc-500 dark:text-zinc-400 print:text-zinc-600";

/** "Oct 1 – 31, 2026": the invoice's UTC month as a range of days. */
function periodText(invoice: Pick<InvoiceDetail, "periodStart" | "periodEnd">): string {
  const lastInstant = new Date(invoice.periodEnd.getTime() - 1);
  return new Intl.DateTimeFormat("en", { month: "short", day: "numeric", year: "numeric", timeZone: "UTC" }).formatRange(invoice.periodStart, lastInstant);
}

/**
 * The invoice as a document: who is billed, for which month, line by line, and what is due. On
 * paper it is all there is (print:* below and on the page around it): black on white, no card.
 */
export function InvoiceDocument({ invoice }: { invoice: InvoiceDetail }) {
  return (
    <article
      aria-label={`Invoice ${invoice.number}`}
      className="rounded-lg border border-zinc-200 bg-white p-5 shadow-sm sm:p-8 dark:border-zinc-800 dark:bg-zinc-900 print:rounded-none print:border-0 print:bg-white print:p-0 print:text-black print:shadow-none"
    >
      <div className="flex flex-wrap items-start justify-between gap-6 border-b border-zinc-200 pb-6 dark:border-zinc-800 print:border-zinc-300">
        <div>
          <Logo />
          <p className={cn("mt-2 text-sm", muted)}>Usage invoice</p>
        </div>
        <div className="sm:text-right print:text-right">
          <h1 className="text-2xl font-semibold tracking-tight">Invoice</h1>
          <p className="mt-1 font-mono text-sm" data-testid="invoice-number">
            {invoice.number}
          </p>
          <p className={cn("mt-1 text-sm", muted)}>
            Issued <DateText value={invoice.issuedAt} format="datetime" />
          </p>
        </div>
      </div>

      <dl className="grid gap-6 border-b border-zinc-200 py-6 sm:grid-cols-3 dark:border-zinc-800 print:grid-cols-3 print:border-zinc-300">
        <div>
          <dt className={cn("text-xs font-medium tracking-wide uppercase", muted)}>Billed to</dt>
          <dd className="mt-1 text-sm">
            <div className="font-medium [overflow-wrap:anywhere]">{invoice.team.name}</div>
            <div className={cn("font-mono text-xs [overflow-wrap:anywhere]", muted)}>{invoice.team.id}</div>
          </dd>
        </div>
        <div>
          <dt className={cn("text-xs font-medium tracking-wide uppercase", muted)}>Period</dt>
          <dd className="mt-1 text-sm">
            <div className="font-medium">{monthLabel(invoice.month)}</div>
            <div className={cn("text-xs", muted)}>{periodText(invoice)} (UTC)</div>
          </dd>
        </div>
        <div className="sm:text-right print:text-right">
          <dt className={cn("text-xs font-medium tracking-wide uppercase", muted)}>Total due</dt>
          <dd className="mt-1 font-mono text-2xl font-semibold tabular-nums">{formatUsdExact(invoice.totalNano)}</dd>
        </div>
      </dl>

      <table className="mt-4 w-full text-sm">
        <caption className="sr-only">Invoice lines</caption>
        <thead className="border-b border-zinc-200 dark:border-zinc-800 print:border-zinc-300">
          <tr>
            <th scope="col" className={th}>Description</th>
            <th scope="col" className={cn(th, "hidden px-4 sm:table-cell print:table-cell")}>Quantity</th>
            <th scope="col" className={cn(th, "text-right")}>Amount</th>
          </tr>
        </thead>
        <tbody className="divide-y divide-zinc-200 dark:divide-zinc-800 print:divide-zinc-300">
          {invoice.lines.map((line) => {
            const quantity = lineQuantity(line);
            const detail = line.kind === "model" || line.kind === "instance_type" ? line.refId : null;
            return (
              <tr key={line.position} data-testid="invoice-line" className="break-inside-avoid">
                <td className="py-3 pr-4 align-top">
                  <div className="[overflow-wrap:anywhere]">{line.description}</div>
                  {detail && <div className={cn("font-mono text-xs [overflow-wrap:anywhere]", muted)}>{detail}</div>}
                  {quantity.length > 0 && (
                    <div className={cn("mt-1 text-xs sm:hidden print:hidden", muted)}>{quantity.join(" · ")}</div>
                  )}
                </td>
                <td className={cn("hidden px-4 py-3 align-top text-xs whitespace-nowrap sm:table-cell print:table-cell", muted)} data-testid="invoice-line-quantity">
                  {quantity.map((q) => (
                    <div key={q}>{q}</div>
                  ))}
                </td>
                <td className={cn("py-3 align-top", money)} data-testid="invoice-line-amount">
                  {formatUsdExact(line.amountNano)}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>

      <dl className="mt-2 ml-auto max-w-xs border-t border-zinc-200 pt-4 text-sm dark:border-zinc-800 print:border-zinc-300">
        <div className="flex justify-between gap-6 py-1">
          <dt className={muted}>Subtotal</dt>
          <dd className={money} data-testid="invoice-subtotal">
            {formatUsdExact(invoice.subtotalNano)}
          </dd>
        </div>
        <div className="flex justify-between gap-6 py-1">
          <dt className={muted}>Credits applied</dt>
          <dd className={money} data-testid="invoice-credits">
            {formatUsdExact(-invoice.creditsNano)}
          </dd>
        </div>
        <div className="mt-2 flex justify-between gap-6 border-t border-zinc-200 pt-3 text-base font-semibold dark:border-zinc-800 print:border-zinc-300">
          <dt>Total due</dt>
          <dd className={money} data-testid="invoice-total">
            {formatUsdExact(invoice.totalNano)}
          </dd>
        </div>
      </dl>

      <p className={cn("mt-8 text-xs", muted)}>
        Amounts in US dollars, exact to the billionth of a dollar as metered; tokens and hours as recorded in the team&apos;s usage. This invoice was issued once, when {monthLabel(invoice.month)} closed, and will not change.
      </p>
    </article>
  );
}
