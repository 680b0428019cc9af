"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { toast } from "sonner";
import { useTRPC } from "@/components/trpc/client";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import type { MemberRef } from "./member-role-dialog";

/** Asks an owner before handing the team over: the member becomes owner, the caller admin. */
export function TransferOwnershipDialog({
  teamId,
  teamName,
  member,
  onClose,
}: {
  teamId: string;
  teamName: string;
  member: MemberRef;
  onClose: () => void;
}) {
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const transfer = useMutation(trpc.members.transferOwnership.mutationOptions());

  return (
    <ConfirmDialog
      open
      onClose={onClose}
      title={`Make ${member.name} the owner?`}
      description={
        <>
          {member.name} becomes an owner of {teamName}, and you become an admin. As an admin you still manage
          members, keys, compute and billing, but only an owner can make you owner again.
        </>
      }
      variant="primary"
      confirmLabel="Make owner"
      onConfirm={async () => {
        await transfer.mutateAsync({ teamId, memberId: member.userId });
        toast.success(`${member.name} now owns ${teamName}; you are an admin`);
        await queryClient.invalidateQueries(trpc.members.pathFilter());
        // The caller's own role changed: the page and the console's navigation follow.
        router.refresh();
      }}
    />
  );
}
