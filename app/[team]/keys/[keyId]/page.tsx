import { ArrowLeft } from "lucide-react";
import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import type { ReactNode } from "react";
import { ZodError } from "zod";
import { DateText } from "@/components/keys/date-text";
import { KeyActions } from "@/components/keys/key-actions";
import { KeyStatusBadge, ScopeBadges } from "@/components/keys/key-badges";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { formatCount, formatUsd } from "@/components/ui/format";
import { requireTeamPage } from "@/server/auth/page-session";
import { AppError } from "@/server/services/errors";
import { keyUsage, type UsageTotals } from "@/server/services/keys/key-usage";
import { getKey, type ApiKeyView } from "@/server/services/keys/list-keys";
import { hasScope } from "@/server/services/teams/permissions";
import type { TeamContext } from "@/server/services/context";

export const metadata: Metadata = { title: "API key" };

/** The team's key, or the 404 page for an id that is not one of this team's keys. */
async function keyOr404(ctx: TeamContext, keyId: string): Promise<ApiKeyView> {
  try {
    return await getKey(ctx, { keyId });
  } catch (error) {
    if ((error instanceof AppError && error.code === "NOT_FOUND") || error instanceof ZodError) notFound();
    throw error;
  }
}

export default async function KeyPage({ params }: PageProps<"/[team]/keys/[keyId]">) {
  const { team: slug, keyId } = await params;
  const ctx = await requireTeamPage(slug);
  if (!hasScope(ctx.role, "keys:read")) notFound();
  const key = await keyOr404(ctx, keyId);
  const usage = hasScope(ctx.role, "usage:read") ? await keyUsage(ctx, { keyId: key.id }) : null;
  const canWrite = hasScope(ctx.role, "keys:write");

  return (
    <div className="space-y-6">
      <div>
        <Link
          href={`/${ctx.team.slug}/keys`}
          className="inline-flex items-center gap-1.5 text-sm text-zinc-500 hover:text-zinc-900 dark:text-zinc-400 dark:hover:text-zinc-100"
        >
          <ArrowLeft className="h-4 w-4" aria-hidden />
          API keys
        </Link>
        <div className="mt-3 flex flex-wrap items-end justify-between gap-4">
          <div className="min-w-0">
            <div className="flex flex-wrap items-center gap-3">
              <h1 className="truncate text-2xl font-semibold tracking-tight">{key.name}</h1>
              <KeyStatusBadge status={key.status} />
            </div>
            <code className="mt-1 block font-mono text-sm text-zinc-500 dark:text-zinc-400">{key.hint}</code>
          </div>
          {canWrite && <KeyActions teamId={ctx.team.id} apiKey={{ id: key.id, name: key.name }} status={key.status} />}
        </div>
      </div>

      {usage ? (
        <div className="grid gap-4 sm:grid-cols-2">
          <UsageCard title="Last 24 hours" totals={usage.last24Hours} />
          <UsageCard title="Last 30 days" totals={usage.last30Days} />
        </div>
      ) : (
        <Card className="px-5 py-4 text-sm text-zinc-500 dark:text-zinc-400">
          Your role cannot see usage. Owners, admins, developers and billing members can.
        </Card>
      )}

      <Card>
        <CardHeader title="Details" description="What this key may do, and its history." />
        <CardBody className="p-0">
          <dl className="divide-y divide-zinc-200 dark:divide-zinc-800">
            <Detail label="Scopes">
              <ScopeBadges scopes={key.scopes} />
            </Detail>
            <Detail label="Allowed models">
              {key.modelAllowlist ? (
                <ul className="flex flex-wrap gap-1">
                  {key.modelAllowlist.map((id) => (
                    <li key={id}>
                      <code className="rounded bg-zinc-100 px-1.5 py-0.5 font-mono text-xs dark:bg-zinc-800">{id}</code>
                    </li>
                  ))}
                </ul>
              ) : (
                "Every model"
              )}
            </Detail>
            <Detail label="Requests per minute">
              {key.requestsPerMinute ? formatCount(key.requestsPerMinute) : "No limit"}
            </Detail>
            <Detail label="Tokens per minute">{key.tokensPerMinute ? formatCount(key.tokensPerMinute) : "No limit"}</Detail>
            <Detail label="Monthly spend limit">
              {key.monthlySpendLimitNano !== null ? formatUsd(key.monthlySpendLimitNano) : "No limit"}
            </Detail>
            <Detail label="Created">
              <DateText value={key.createdAt} format="datetime" />
              {key.createdBy && <> by {key.createdBy.name ?? "a former member"}</>}
            </Detail>
            <Detail label="Last used">
              {key.lastUsedAt ? <DateText value={key.lastUsedAt} format="datetime" /> : "Never"}
            </Detail>
            <Detail label="Expires">{key.expiresAt ? <DateText value={key.expiresAt} format="datetime" /> : "Never"}</Detail>
            {key.rotatedAt && (
              <Detail label="Last rotated">
                <DateText value={key.rotatedAt} format="datetime" />
                {key.previousSecretExpiresAt && (
                  <>
                    {"; the previous secret works until "}
                    <DateText value={key.previousSecretExpiresAt} format="datetime" />
                  </>
                )}
              </Detail>
            )}
            {key.revokedAt && (
              <Detail label="Revoked">
                <DateText value={key.revokedAt} format="datetime" />
                {key.revokedBy && <> by {key.revokedBy.name ?? "a former member"}</>}
              </Detail>
            )}
            <Detail label="Key ID">
              <code className="font-mono text-xs">{key.id}</code>
            </Detail>
          </dl>
        </CardBody>
      </Card>
    </div>
  );
}

function Detail({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="grid gap-1 px-5 py-3 sm:grid-cols-[12rem_1fr] sm:gap-4">
      <dt className="text-sm font-medium text-zinc-500 dark:text-zinc-400">{label}</dt>
      <dd className="min-w-0 text-sm">{children}</dd>
    </div>
  );
}

function UsageCard({ title, totals }: { title: string; totals: UsageTotals }) {
  const items = [
    { label: "Requests", value: formatCount(totals.requests) },
    { label: "Input tokens", value: formatCount(totals.inputTokens) },
    { label: "Output tokens", value: formatCount(totals.outputTokens) },
    { label: "Cost", value: formatUsd(totals.costNano) },
  ];
  return (
    <Card aria-label={title}>
      <h2 className="border-b border-zinc-200 px-5 py-3 text-sm font-semibold dark:border-zinc-800">{title}</h2>
      <dl className="grid grid-cols-2 gap-x-4 gap-y-3 px-5 py-4">
        {items.map((item) => (
          <div key={item.label} className="min-w-0">
            <dt className="truncate text-xs font-medium tracking-wide text-zinc-500 uppercase dark:text-zinc-400">{item.label}</dt>
            <dd className="mt-0.5 truncate text-lg font-semibold tabular-nums">{item.value}</dd>
          </div>
        ))}
      </dl>
    </Card>
  );
}
