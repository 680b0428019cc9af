"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { toast } from "sonner";
import { applyServerError } from "@/components/forms/server-errors";
import { useTRPC } from "@/components/trpc/client";
import { Button } from "@/components/ui/button";
import { Dialog } from "@/components/ui/dialog";
import { FormError } from "@/components/ui/field";

export interface InstanceRef {
  id: string;
  name: string;
  /** Inside a capacity block the GPUs go back to the block, not to the fleet. */
  reservationId: string | null;
}

/** Asks before terminating: the machine and its local disks are gone for good. */
export function TerminateInstanceDialog({ teamId, instance, onClose }: { teamId: string; instance: InstanceRef | null; onClose: () => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const terminate = useMutation(trpc.instances.terminate.mutationOptions());
  const [error, setError] = useState<string | null>(null);
  const close = () => {
    setError(null);
    terminate.reset();
    onClose();
  };
  const confirm = async () => {
    if (!instance) return;
    setError(null);
    try {
      await terminate.mutateAsync({ teamId, instanceId: instance.id });
      toast.success(`Terminating ${instance.name}`);
      await queryClient.invalidateQueries(trpc.instances.pathFilter());
      close();
    } catch (e) {
      setError(applyServerError(e, () => {}, []));
    }
  };
  return (
    <Dialog
      open={instance !== null}
      onOpenChange={(next) => !next && close()}
      title={`Terminate ${instance?.name ?? "instance"}?`}
      description={
        instance?.reservationId
          ? "The machine and its local disks are deleted. Its GPUs go back to your capacity block, where you can launch another instance."
          : "The machine and its local disks are deleted, billing stops, and its GPUs go back to the pool. This cannot be undone."
      }
    >
      <div className="space-y-5">
        <FormError>{error}</FormError>
        <div className="flex justify-end gap-3">
          <Button type="button" variant="secondary" onClick={close}>
            Cancel
          </Button>
          <Button type="button" variant="danger" pending={terminate.isPending} onClick={() => void confirm()}>
            Terminate
          </Button>
        </div>
      </div>
    </Dialog>
  );
}
