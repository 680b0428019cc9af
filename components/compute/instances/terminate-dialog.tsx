"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { toast } from "sonner";
import { useTRPC } from "@/components/trpc/client";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";

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
  return (
    <ConfirmDialog
      open={instance !== null}
      onClose={onClose}
      title={`Terminate ${instance?.name ?? "instance"}?`}
      description={
        instance?.reservationId
          ? "The machine and its local disks are deleted. Its GPUs go back to your capacity block, where you can launch another instance."
          : "The machine and its local disks are deleted, billing stops, and its GPUs go back to the pool. This cannot be undone."
      }
      confirmLabel="Terminate"
      onConfirm={async () => {
        if (!instance) return;
        await terminate.mutateAsync({ teamId, instanceId: instance.id });
        toast.success(`Terminating ${instance.name}`);
        await queryClient.invalidateQueries(trpc.instances.pathFilter());
      }}
    />
  );
}
