"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { toast } from "sonner";
import { applyServerError } from "@/components/forms/server-errors";
import { useTRPC } from "@/components/trpc/client";
import { Button } from "@/components/ui/button";
import { Dialog } from "@/components/ui/dialog";
import { FormError } from "@/components/ui/field";

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
  const [error, setError] = useState<string | null>(null);

  const close = () => {
    setError(null);
    remove.reset();
    onClose();
  };

  const confirm = async () => {
    if (!sshKey) return;
    setError(null);
    try {
      await remove.mutateAsync({ teamId, sshKeyId: sshKey.id });
      toast.success(`Deleted SSH key ${sshKey.name}`);
      await queryClient.invalidateQueries(trpc.sshKeys.pathFilter());
      close();
    } catch (e) {
      setError(applyServerError(e, () => {}, []));
    }
  };

  return (
    <Dialog
      open={sshKey !== null}
      onOpenChange={(next) => !next && close()}
      title={`Delete SSH key ${sshKey?.name ?? ""}?`}
      description="Instances launched from now on cannot be given this key. Instances that already have it keep it until they are terminated."
    >
      <div className="space-y-5">
        <FormError>{error}</FormError>
        <p className="font-mono text-xs break-all text-zinc-500 dark:text-zinc-400">{sshKey?.fingerprint}</p>
        <div className="flex justify-end gap-3">
          <Button type="button" variant="secondary" onClick={close}>
            Cancel
          </Button>
          <Button type="button" variant="danger" pending={remove.isPending} onClick={() => void confirm()}>
            Delete key
          </Button>
        </div>
      </div>
    </Dialog>
  );
}
