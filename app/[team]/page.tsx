import { ArrowRight, Activity, KeyRound, KeySquare, MessagesSquare, Server, Settings, UserRound } from "lucide-react";
import type { Metadata } from "next";
import Link from "next/link";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { cn } from "@/components/ui/cn";
import { formatUsd } from "@/components/ui/format";
import { creditBalance } from "@/server/services/billing/credits";
import { budgetStatus } from "@/server/services/budgets/budgets";
import { requireProfile, requireTeamPage } from "@/server/auth/page-session";
import { getTeamSummary } from "@/server/services/teams/team-summary";
import { hasScope, ROLE_LABELS } from "@/server/services/teams/permissions";

export const metadata: Metadata = { title: "Overview" };

export default async function OverviewPage({ params }: PageProps<"/[team]">) {
  const { team: slug } = await params;
  const ctx = await requireTeamPage(slug);
  const [profile, summary] = await Promise.all([requireProfile(), getTeamSummary(ctx)]);
  const firstName = profile.name.split(/\s+/)[0];
  const now = ctx.now();
  const money = hasScope(ctx.role, "usage:read")
    ? await Promise.all([budgetStatus(ctx.db, ctx.team.id, now), creditBalance(ctx.db, ctx.team.id, now)]).then(([budget, credits]) => ({ budget, credits }))
    : null;
  const base = `/${ctx.team.slug}`;

  const steps = [
    hasScope(ctx.role, "inference") && {
      href: `${base}/playground`,
      icon: MessagesSquare,
      title: "Try a model in the Playground",
      body: "Chat with the hosted models, compare them side by side, and see what each answer costs.",
      done: summary.triedPlayground,
    },
    hasScope(ctx.role, "keys:write") && {
      href: `${base}/keys`,
      icon: KeyRound,
      title: "Create an API key",
      body: "Call the models from your code with any OpenAI client: change the base URL and the key.",
      done: summary.hasApiKey,
    },
    hasScope(ctx.role, "compute:write") && {
      href: `${base}/ssh-keys`,
      icon: KeySquare,
      title: "Add an SSH key",
      body: "It goes onto the GPU instances you launch, so that you can log in to them.",
      done: summary.hasSshKey,
    },
    hasScope(ctx.role, "compute:write") && {
      href: `${base}/instances/new`,
      icon: Server,
      title: "Launch a GPU instance",
      body: "Ready in seconds, billed per second until you terminate it — or reserve a block for later.",
      done: summary.launchedInstance,
    },
    hasScope(ctx.role, "team:write") && {
      href: `${base}/settings`,
      icon: Settings,
      title: "Name your team and choose its URL",
      body: `Your console lives at /${ctx.team.slug}. Give the team the name your colleagues know it by.`,
      done: summary.renamed,
    },
    {
      href: "/account",
      icon: UserRound,
      title: "Check your profile",
      body: "Your name appears on everything you do in the team's audit log.",
      done: false,
    },
    hasScope(ctx.role, "audit:read") && {
      href: `${base}/audit`,
      icon: Activity,
      title: "Review what has happened",
      body: "Every change in this team is recorded: who, what, when and from where.",
      done: false,
    },
  ].filter((s): s is Exclude<typeof s, false> => Boolean(s));

  return (
    <div className="space-y-8">
      <div>
        <p className="text-sm text-zinc-500 dark:text-zinc-400">
          Welcome, {firstName}
        </p>
        <h1 className="mt-1 text-2xl font-semibold tracking-tight">{ctx.team.name}</h1>
      </div>

      {money && (
        <dl className="grid grid-cols-1 gap-2 sm:grid-cols-3 sm:gap-4">
          <Stat label="Spent this month" href={`${base}/spend`} value={formatUsd(money.budget.spentNano + money.budget.accruingNano)} />
          <Stat label="Credit balance" href={`${base}/billing`} value={formatUsd(money.credits)} />
          <Stat
            label="Budget"
            href={`${base}/spend`}
            value={
              !money.budget.budget
                ? "No budget set"
                : money.budget.capReached
                  ? `Cap reached · ${formatUsd(money.budget.budget.amountNano)}`
                  : `${money.budget.percentUsed}% of ${formatUsd(money.budget.budget.amountNano)}`
            }
            tone={money.budget.capReached ? "alert" : money.budget.percentUsed !== null && money.budget.percentUsed >= 80 ? "warn" : undefined}
          />
        </dl>
      )}

      <dl className="grid grid-cols-3 gap-2 sm:gap-4">
        {[
          { label: "Your role", value: ROLE_LABELS[ctx.role] },
          { label: "Members", value: String(summary.memberCount) },
          { label: "Created", value: summary.createdAt.toLocaleDateString("en", { dateStyle: "medium" }) },
        ].map((item) => (
          <Card key={item.label} className="px-3 py-3 sm:px-5 sm:py-4">
            <dt className="truncate text-xs font-medium tracking-wide text-zinc-500 uppercase dark:text-zinc-400">{item.label}</dt>
            <dd className="mt-1 truncate text-base font-semibold sm:text-lg">{item.value}</dd>
          </Card>
        ))}
      </dl>

      <Card>
        <CardHeader title="What to do next" description="A few steps to get this team ready." />
        <CardBody className="p-0">
          <ul className="divide-y divide-zinc-200 dark:divide-zinc-800">
            {steps.map((step) => (
              <li key={step.href}>
                <Link
                  href={step.href}
                  className="group flex items-start gap-4 px-5 py-4 transition-colors hover:bg-zinc-50 dark:hover:bg-zinc-800/50"
                >
                  <span className="mt-0.5 inline-flex h-8 w-8 shrink-0 items-center justify-center rounded-md bg-zinc-100 text-zinc-600 dark:bg-zinc-800 dark:text-zinc-300">
                    <step.icon className="h-4 w-4" aria-hidden />
                  </span>
                  <span className="min-w-0 flex-1">
                    <span className="flex items-center gap-2 text-sm font-medium">
                      {step.title}
                      {step.done && (
                        <span className="rounded-full bg-emerald-100 px-2 py-0.5 text-xs font-medium text-emerald-700 dark:bg-emerald-950 dark:text-emerald-300">
                          Done
                        </span>
                      )}
                    </span>
                    <span className="mt-0.5 block text-sm text-zinc-500 dark:text-zinc-400">{step.body}</span>
                  </span>
                  <ArrowRight
                    className="mt-2 h-4 w-4 shrink-0 text-zinc-400 transition-transform group-hover:translate-x-0.5"
                    aria-hidden
                  />
                </Link>
              </li>
            ))}
          </ul>
        </CardBody>
      </Card>
    </div>
  );
}

function Stat({ label, value, href, tone }: { label: string; value: string; href: string; tone?: "warn" | "alert" }) {
  return (
    <Card className="transition-colors hover:border-zinc-300 dark:hover:border-zinc-700">
      <Link href={href} className="block px-3 py-3 sm:px-5 sm:py-4">
        <dt className="truncate text-xs font-medium tracking-wide text-zinc-500 uppercase dark:text-zinc-400">{label}</dt>
        <dd
          className={cn(
            "mt-1 truncate text-base font-semibold tabular-nums sm:text-lg",
            tone === "alert" && "text-red-700 dark:text-red-400",
            tone === "warn" && "text-amber-700 dark:text-amber-400",
          )}
        >
          {value}
        </dd>
      </Link>
    </Card>
  );
}
