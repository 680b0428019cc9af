"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { toast } from "sonner";
import { useTRPC } from "@/components/trpc/client";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import type { KeyRef } from "./rotate-key-dialog";

/** Asks before revoking a key; revoking cannot be undone. */
export function RevokeKeyDialog({
  teamId,
  apiKey,
  onClose,
  onRevoked,
}: {
  teamId: string;
  apiKey: KeyRef | null;
  onClose: () => void;
  onRevoked?: () => void;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const revoke = useMutation(trpc.keys.revoke.mutationOptions());
  return (
    <ConfirmDialog
      open={apiKey !== null}
      onClose={onClose}
      title={`Revoke key ${apiKey?.name ?? ""}?`}
      description="Requests with this key are refused within a second. This cannot be undone."
      confirmLabel="Revoke key"
      onConfirm={async () => {
        if (!apiKey) return;
        await revoke.mutateAsync({ teamId, keyId: apiKey.id });
        toast.success("Key revoked");
        await queryClient.invalidateQueries(trpc.keys.pathFilter());
        onRevoked?.();
      }}
    />
  );
}
