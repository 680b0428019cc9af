"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { toast } from "sonner";
import { useTRPC } from "@/components/trpc/client";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";

export interface SshKeyRef {
  id: string;
  name: string;
  fingerprint: string;
}

/** Asks before deleting a key; running instances keep their copy, so say so. */
export function DeleteSshKeyDialog({ teamId, sshKey, onClose }: { teamId: string; sshKey: SshKeyRef | null; onClose: () => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const remove = useMutation(trpc.sshKeys.delete.mutationOptions());
  return (
    <ConfirmDialog
      open={sshKey !== null}
      onClose={onClose}
      title={`Delete SSH key ${sshKey?.name ?? ""}?`}
      description="Instances launched from now on cannot be given this key. Instances that already have it keep it until they are terminated."
      confirmLabel="Delete key"
      onConfirm={async () => {
        if (!sshKey) return;
        await remove.mutateAsync({ teamId, sshKeyId: sshKey.id });
        toast.success(`Deleted SSH key ${sshKey.name}`);
        await queryClient.invalidateQueries(trpc.sshKeys.pathFilter());
      }}
    >
      <p className="font-mono text-xs break-all text-zinc-500 dark:text-zinc-400">{sshKey?.fingerprint}</p>
    </ConfirmDialog>
  );
}
