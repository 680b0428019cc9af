import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { Fact } from "@/components/ui/fact";
import { DateText } from "@/components/keys/date-text";
import { monthLabel } from "@/server/services/billing/shared";
import type { TeamCredits } from "@/server/services/billing";
import { formatUsdExact } from "./format";

/** The balance, the grant that expires next, and this month's spend that its invoice will draw. */
export function CreditSummary({ credits }: { credits: TeamCredits }) {
  const nextExpiring = credits.grants
    .filter((g) => g.status === "active" && g.expiresAt)
    .sort((a, b) => a.expiresAt!.getTime() - b.expiresAt!.getTime())[0];
  const month = monthLabel(credits.month);
  return (
    <div className="grid gap-6 md:grid-cols-2">
      <Card aria-labelledby="credit-balance-heading">
        <CardBody>
          <h2 id="credit-balance-heading" className="text-sm font-medium text-zinc-500 dark:text-zinc-400">
            Credit balance
          </h2>
          <p className="mt-1 text-3xl font-semibold tracking-tight tabular-nums" data-testid="credit-balance">
            {formatUsdExact(credits.balanceNano)}
          </p>
          <p className="mt-2 text-sm text-zinc-500 dark:text-zinc-400">
            {credits.grants.length === 0
              ? "No credit has been granted to this team. Prepaid credit, when you have some, pays for usage before anything is due."
              : "Prepaid credit pays each month's invoice first, starting with the credit that expires soonest."}
          </p>
          {nextExpiring && (
            <p className="mt-2 text-sm">
              {formatUsdExact(nextExpiring.remainingNano)} of it expires on <DateText value={nextExpiring.expiresAt!} />.
            </p>
          )}
        </CardBody>
      </Card>
      <Card>
        <CardHeader title={`${month} so far`} description="Usage is invoiced once the month (UTC) has closed." />
        <CardBody>
          <dl className="grid grid-cols-2 gap-4">
            <Fact label="Usage this month">
              <span className="font-mono tabular-nums" data-testid="month-to-date">
                {formatUsdExact(credits.monthToDateNano)}
              </span>
            </Fact>
            <Fact label="Next invoice">
              <DateText value={credits.closesAt} format="datetime" />
            </Fact>
          </dl>
        </CardBody>
      </Card>
    </div>
  );
}
