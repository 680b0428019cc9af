"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { toast } from "sonner";
import { useTRPC } from "@/components/trpc/client";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";

export interface InvitationRef {
  id: string;
  email: string;
}

/** Asks before revoking an invitation: its link stops working at once. */
export function RevokeInvitationDialog({
  teamId,
  invitation,
  onClose,
}: {
  teamId: string;
  invitation: InvitationRef | null;
  onClose: () => void;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const revoke = useMutation(trpc.invitations.revoke.mutationOptions());
  const refetchList = () => queryClient.invalidateQueries(trpc.invitations.list.queryFilter({ teamId }));

  return (
    <ConfirmDialog
      open={invitation !== null}
      onClose={onClose}
      title="Revoke this invitation?"
      description={
        <>
          The link mailed to <strong className="font-medium text-zinc-700 dark:text-zinc-300">{invitation?.email}</strong>{" "}
          stops working at once. You can invite them again later.
        </>
      }
      confirmLabel="Revoke invitation"
      onConfirm={async () => {
        if (!invitation) return;
        await revoke.mutateAsync({ teamId, invitationId: invitation.id });
        toast.success(`Invitation to ${invitation.email} revoked`);
        await refetchList();
      }}
      // It may have been accepted or revoked meanwhile: show what it is now.
      onError={refetchList}
    />
  );
}
