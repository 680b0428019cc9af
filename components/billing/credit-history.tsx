import { Gift } from "lucide-react";
import Link from "next/link";
import { DateText } from "@/components/keys/date-text";
import { Card, CardHeader } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { cn } from "@/components/ui/cn";
import { TableBody, TableHead, Th, tdClass } from "@/components/ui/table";
import { StatusPill, type StatusTone } from "@/components/ui/status-pill";
import type { CreditGrantStatus, CreditHistoryEntry } from "@/server/services/billing";
import { formatUsdExact } from "./format";

const money = "text-right font-mono whitespace-nowrap tabular-nums";
/** On a phone: what the credit is and what is left of it; status, amounts and dates go with the name. */
const narrowHidden = "hidden sm:table-cell";

const STATUS: Record<CreditGrantStatus, { label: string; tone: StatusTone }> = {
  active: { label: "Active", tone: "green" },
  used: { label: "Used up", tone: "gray" },
  expired: { label: "Expired", tone: "amber" },
};

/** Every grant, newest first: what it was for, when it lapses, and which invoices drew on it. */
export function CreditHistory({ grants, teamSlug }: { grants: CreditHistoryEntry[]; teamSlug: string }) {
  return (
    <Card aria-labelledby="credit-history-heading">
      <CardHeader title={<span id="credit-history-heading">Credit history</span>} description="Credit granted to the team, and what each invoice used." />
      {grants.length === 0 ? (
        <EmptyState
          inCard
          icon={Gift}
          headingLevel={3}
          title="No credit yet"
          description="Credit granted to this team — for a startup program, a trial or a refund — appears here with its expiry and what each invoice used."
        />
      ) : (
        <div className="overflow-x-auto">
          <table className="w-full text-sm">
            <TableHead>
              <Th>Credit</Th>
              <Th className={cn(narrowHidden, "text-right")}>Amount</Th>
              <Th className={narrowHidden}>Granted</Th>
              <Th className={narrowHidden}>Expires</Th>
              <Th className={cn(narrowHidden, "text-right")}>Used</Th>
              <Th className="text-right">Remaining</Th>
              <Th className={narrowHidden}>Status</Th>
            </TableHead>
            <TableBody>
              {grants.map((grant) => (
                <tr key={grant.id} data-testid="credit-grant" className={cn(grant.status !== "active" && "text-zinc-500 dark:text-zinc-400")}>
                  <td className={cn(tdClass, "min-w-44")}>
                    <div className="flex flex-wrap items-center gap-2">
                      <span className="font-medium [overflow-wrap:anywhere] text-zinc-900 dark:text-zinc-100">{grant.reason}</span>
                      <span className="sm:hidden">
                        <StatusPill tone={STATUS[grant.status].tone} label={STATUS[grant.status].label} />
                      </span>
                    </div>
                    <div className="text-xs text-zinc-500 dark:text-zinc-400">Granted by {grant.grantedBy}</div>
                    <div className="mt-1 text-xs text-zinc-500 sm:hidden dark:text-zinc-400">
                      {formatUsdExact(grant.amountNano)} on <DateText value={grant.createdAt} />
                      {grant.expiresAt ? (
                        <>
                          , expires <DateText value={grant.expiresAt} />
                        </>
                      ) : (
                        ", no expiry"
                      )}
                    </div>
                  </td>
                  <td className={cn(tdClass, narrowHidden, money)}>{formatUsdExact(grant.amountNano)}</td>
                  <td className={cn(tdClass, narrowHidden, "whitespace-nowrap")}>
                    <DateText value={grant.createdAt} />
                  </td>
                  <td className={cn(tdClass, narrowHidden, "whitespace-nowrap")}>{grant.expiresAt ? <DateText value={grant.expiresAt} /> : "Never"}</td>
                  <td className={cn(tdClass, narrowHidden, money)}>
                    <div>{formatUsdExact(grant.usedNano)}</div>
                    {grant.applications.map((a) => (
                      <div key={a.invoiceId} className="font-sans text-xs">
                        <Link href={`/${teamSlug}/billing/invoices/${a.invoiceId}`} className="text-indigo-600 hover:underline dark:text-indigo-400">
                          {a.invoiceNumber}
                        </Link>
                        <span className="text-zinc-500 dark:text-zinc-400"> · {formatUsdExact(a.amountNano)}</span>
                      </div>
                    ))}
                  </td>
                  <td className={cn(tdClass, money, grant.status === "expired" && "line-through")}>{formatUsdExact(grant.remainingNano)}</td>
                  <td className={cn(tdClass, narrowHidden)}>
                    <StatusPill tone={STATUS[grant.status].tone} label={STATUS[grant.status].label} />
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
