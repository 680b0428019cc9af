import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { Suspense } from "react";
import { AuditLogView } from "@/components/audit/audit-log-view";
import { requireTeamPage } from "@/server/auth/page-session";
import { hasScope } from "@/server/services/teams/permissions";

export const metadata: Metadata = { title: "Audit log" };

export default async function AuditLogPage({ params }: PageProps<"/[team]/audit">) {
  const { team: slug } = await params;
  const ctx = await requireTeamPage(slug);
  if (!hasScope(ctx.role, "audit:read")) notFound();
  return (
    // The view reads its filters from the URL's search parameters.
    <Suspense>
      <AuditLogView teamId={ctx.team.id} />
    </Suspense>
  );
}
