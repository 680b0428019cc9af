"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { MailPlus, RotateCw, UserPlus, X } from "lucide-react";
import { useState } from "react";
import { toast } from "sonner";
import { useTRPC } from "@/components/trpc/client";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { StatusPill, type StatusTone } from "@/components/ui/status-pill";
import type { InvitationStatus } from "@/server/services/teams/invitation-schemas";
import { hasScope, ROLE_LABELS, type Role } from "@/server/services/teams/permissions";
import type { InvitationView } from "@/server/services/teams/invitations";
import { toastMailOutcome } from "./invite-mail-toast";
import { InviteMemberDialog } from "./invite-member-dialog";
import { RelativeTime } from "./invite-relative-time";
import { RevokeInvitationDialog, type InvitationRef } from "./invite-revoke-dialog";

const STATUS: Record<InvitationStatus, { label: string; tone: StatusTone; title: string }> = {
  pending: { label: "Pending", tone: "blue", title: "Mailed; not accepted yet" },
  expired: { label: "Expired", tone: "amber", title: "The link no longer works; Resend mails a new one" },
  accepted: { label: "Accepted", tone: "green", title: "They joined the team" },
  revoked: { label: "Revoked", tone: "gray", title: "The link was revoked" },
};

/**
 * The team's invitations with Invite, Resend and Revoke, for roles with members:write (the
 * Members page renders it only for them; anyone else gets nothing).
 */
export function InvitationsPanel({ teamId, role }: { teamId: string; role: Role }) {
  if (!hasScope(role, "members:write")) return null;
  return <Invitations teamId={teamId} role={role} />;
}

function Invitations({ teamId, role }: { teamId: string; role: Role }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const query = useQuery(trpc.invitations.list.queryOptions({ teamId }));
  const resend = useMutation(trpc.invitations.resend.mutationOptions());
  const [inviting, setInviting] = useState(false);
  const [revoking, setRevoking] = useState<InvitationRef | null>(null);

  const resendTo = async (invitation: InvitationView) => {
    try {
      const outcome = await resend.mutateAsync({ teamId, invitationId: invitation.id });
      toastMailOutcome(outcome, `Invitation sent again to ${outcome.email}`);
    } catch (error) {
      toast.error(error instanceof Error ? error.message : "Could not resend the invitation.");
    }
    await queryClient.invalidateQueries(trpc.invitations.list.queryFilter({ teamId }));
  };

  const invitations = query.data ?? [];
  return (
    <Card aria-label="Invitations">
      {/* Not CardHeader: on narrow windows the button goes under the text instead of squeezing it. */}
      <div className="flex flex-wrap items-start justify-between gap-x-4 gap-y-3 border-b border-zinc-200 px-5 py-4 dark:border-zinc-800">
        <div className="min-w-0 flex-1 basis-64">
          <h2 className="text-base font-semibold">Invitations</h2>
          <p className="mt-1 text-sm text-zinc-500 dark:text-zinc-400">
            People invited by mail. Each link works once; pending ones can be resent or revoked.
          </p>
        </div>
        {invitations.length > 0 && (
          <Button onClick={() => setInviting(true)} className="shrink-0">
            <UserPlus className="h-4 w-4" aria-hidden />
            Invite member
          </Button>
        )}
      </div>
      {query.isPending ? (
        <ul className="divide-y divide-zinc-200 dark:divide-zinc-800" aria-busy aria-label="Loading invitations">
          {Array.from({ length: 2 }, (_, i) => (
            <li key={i} className="space-y-2 px-5 py-4">
              <div className="h-4 w-1/2 animate-pulse rounded bg-zinc-200 dark:bg-zinc-800" />
              <div className="h-3 w-2/3 animate-pulse rounded bg-zinc-200 dark:bg-zinc-800" />
            </li>
          ))}
        </ul>
      ) : query.isError ? (
        <p className="px-5 py-8 text-center text-sm text-red-600 dark:text-red-400" role="alert">
          {query.error.message}
        </p>
      ) : invitations.length === 0 ? (
        <div className="px-6 py-10 text-center">
          <span className="mx-auto inline-flex h-11 w-11 items-center justify-center rounded-full bg-indigo-50 text-indigo-600 dark:bg-indigo-950/60 dark:text-indigo-300">
            <MailPlus className="h-5 w-5" aria-hidden />
          </span>
          <h3 className="mt-3 text-sm font-semibold">No pending invitations</h3>
          <p className="mx-auto mt-1 max-w-sm text-sm text-zinc-500 dark:text-zinc-400">
            Invite people by email with the role they need. They sign up or sign in through the link and join at once.
          </p>
          <Button className="mt-5" onClick={() => setInviting(true)}>
            <UserPlus className="h-4 w-4" aria-hidden />
            Invite member
          </Button>
        </div>
      ) : (
        <ul className="divide-y divide-zinc-200 dark:divide-zinc-800">
          {invitations.map((invitation) => (
            <InvitationRow
              key={invitation.id}
              invitation={invitation}
              resending={resend.isPending && resend.variables?.invitationId === invitation.id}
              onResend={() => void resendTo(invitation)}
              onRevoke={() => setRevoking({ id: invitation.id, email: invitation.email })}
            />
          ))}
        </ul>
      )}
      <InviteMemberDialog teamId={teamId} role={role} open={inviting} onOpenChange={setInviting} />
      <RevokeInvitationDialog teamId={teamId} invitation={revoking} onClose={() => setRevoking(null)} />
    </Card>
  );
}

function InvitationRow({
  invitation,
  resending,
  onResend,
  onRevoke,
}: {
  invitation: InvitationView;
  resending: boolean;
  onResend: () => void;
  onRevoke: () => void;
}) {
  const status = STATUS[invitation.status];
  const open = invitation.status === "pending" || invitation.status === "expired";
  const inviter = invitation.invitedBy ? invitation.invitedBy.name : "a former member";
  return (
    <li className="flex flex-col gap-3 px-5 py-3.5 sm:flex-row sm:items-center sm:gap-4" aria-label={`Invitation to ${invitation.email}`}>
      <div className="min-w-0 flex-1">
        <div className="flex flex-wrap items-center gap-x-2 gap-y-1">
          <span className={open ? "font-medium [overflow-wrap:anywhere]" : "[overflow-wrap:anywhere] text-zinc-500 dark:text-zinc-400"}>
            {invitation.email}
          </span>
          <span className="rounded bg-zinc-100 px-1.5 py-0.5 text-xs font-medium whitespace-nowrap text-zinc-700 dark:bg-zinc-800 dark:text-zinc-300">
            {ROLE_LABELS[invitation.role]}
          </span>
          <StatusPill tone={status.tone} label={status.label} title={status.title} />
        </div>
        <p className="mt-1 text-xs text-zinc-500 dark:text-zinc-400">
          Invited by {inviter}
          {invitation.status === "accepted" && invitation.acceptedAt ? (
            <>
              {" "}· accepted <RelativeTime value={invitation.acceptedAt} />
            </>
          ) : invitation.status === "revoked" && invitation.revokedAt ? (
            <>
              {" "}· revoked <RelativeTime value={invitation.revokedAt} />
            </>
          ) : (
            <>
              {" "}· sent <RelativeTime value={invitation.lastSentAt} />
              {invitation.sendCount > 1 && ` (${invitation.sendCount} times)`} ·{" "}
              {invitation.status === "expired" ? "expired " : "expires "}
              <RelativeTime value={invitation.expiresAt} />
            </>
          )}
        </p>
      </div>
      {open && (
        <div className="flex shrink-0 gap-2">
          <Button variant="secondary" size="sm" pending={resending} onClick={onResend} aria-label={`Resend the invitation to ${invitation.email}`}>
            {!resending && <RotateCw className="h-3.5 w-3.5" aria-hidden />}
            Resend
          </Button>
          <Button
            variant="ghost"
            size="sm"
            onClick={onRevoke}
            aria-label={`Revoke the invitation to ${invitation.email}`}
            className="text-red-600 hover:bg-red-50 hover:text-red-700 dark:text-red-400 dark:hover:bg-red-950/50 dark:hover:text-red-300"
          >
            <X className="h-3.5 w-3.5" aria-hidden />
            Revoke
          </Button>
        </div>
      )}
    </li>
  );
}
