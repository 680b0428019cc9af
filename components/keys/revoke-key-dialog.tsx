"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { toast } from "sonner";
import { applyServerError } from "@/components/forms/server-errors";
import { useTRPC } from "@/components/trpc/client";
import { Button } from "@/components/ui/button";
import { Dialog } from "@/components/ui/dialog";
import { FormError } from "@/components/ui/field";
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
  const [error, setError] = useState<string | null>(null);

  const close = () => {
    setError(null);
    revoke.reset();
    onClose();
  };

  const confirm = async () => {
    if (!apiKey) return;
    setError(null);
    try {
      await revoke.mutateAsync({ teamId, keyId: apiKey.id });
      toast.success("Key revoked");
      await queryClient.invalidateQueries(trpc.keys.pathFilter());
      close();
      onRevoked?.();
    } catch (e) {
      setError(applyServerError(e, () => {}, []));
    }
  };

  return (
    <Dialog
      open={apiKey !== null}
      onOpenChange={(next) => !next && close()}
      title={`Revoke key ${apiKey?.name ?? ""}?`}
      description="Requests with this key are refused within a second. This cannot be undone."
    >
      <div className="space-y-5">
        <FormError>{error}</FormError>
        <div className="flex justify-end gap-3">
          <Button type="button" variant="secondary" onClick={close}>
            Cancel
          </Button>
          <Button type="button" variant="danger" pending={revoke.isPending} onClick={() => void confirm()}>
            Revoke key
          </Button>
        </div>
      </div>
    </Dialog>
  );
}
