import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { Suspense } from "react";
import { SpendView } from "@/components/spend/spend-view";
import { requireTeamPage } from "@/server/auth/page-session";
import { hasScope } from "@/server/services/teams/permissions";

export const metadata: Metadata = { title: "Spend" };

export default async function SpendPage({ params }: PageProps<"/[team]/spend">) {
  const { team: slug } = await params;
  const ctx = await requireTeamPage(slug);
  // Roles without usage:read do not see the nav entry either; the page is a 404 for them, like any other.
  if (!hasScope(ctx.role, "usage:read")) notFound();
  return (
    // The view reads its range and filter from the URL's search parameters.
    <Suspense>
      <SpendView teamId={ctx.team.id} teamSlug={ctx.team.slug} canEditBudget={hasScope(ctx.role, "billing:write")} />
    </Suspense>
  );
}
