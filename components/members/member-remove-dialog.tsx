"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { toast } from "sonner";
import { useTRPC } from "@/components/trpc/client";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import type { MemberRef } from "./member-role-dialog";

/** Asks before removing a member, offering to revoke the API keys they created in the team. */
export function RemoveMemberDialog({
  teamId,
  teamName,
  member,
  onClose,
}: {
  teamId: string;
  teamName: string;
  member: MemberRef & { activeKeyCount: number };
  onClose: () => void;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const remove = useMutation(trpc.members.remove.mutationOptions());
  const [revokeKeys, setRevokeKeys] = useState(true);
  const keys = member.activeKeyCount;

  return (
    <ConfirmDialog
      open
      onClose={onClose}
      title={`Remove ${member.name}?`}
      description={
        <>
          {member.name} ({member.email}) loses access to {teamName} at once, on every device they are signed in on.
          Their account and their other teams are not affected.
        </>
      }
      confirmLabel="Remove member"
      onConfirm={async () => {
        const removed = await remove.mutateAsync({ teamId, memberId: member.userId, revokeKeys: keys > 0 && revokeKeys });
        toast.success(
          removed.keysRevoked > 0
            ? `${member.name} removed; ${removed.keysRevoked} ${removed.keysRevoked === 1 ? "key" : "keys"} revoked`
            : `${member.name} removed from ${teamName}`,
        );
        await Promise.all([
          queryClient.invalidateQueries(trpc.members.pathFilter()),
          queryClient.invalidateQueries(trpc.keys.pathFilter()),
        ]);
      }}
    >
      {keys > 0 ? (
        <label className="flex items-start gap-3 rounded-md border border-zinc-200 px-3 py-2.5 text-sm dark:border-zinc-800">
          <input
            type="checkbox"
            className="mt-0.5 accent-indigo-600"
            checked={revokeKeys}
            onChange={(event) => setRevokeKeys(event.target.checked)}
          />
          <span>
            <span className="block font-medium">
              Also revoke the {keys} API {keys === 1 ? "key" : "keys"} they created
            </span>
            <span className="block text-zinc-500 dark:text-zinc-400">
              Code using {keys === 1 ? "it" : "them"} stops working within a second. Leave this off to keep{" "}
              {keys === 1 ? "it" : "them"} running; you can revoke keys later under API keys.
            </span>
          </span>
        </label>
      ) : (
        <p className="text-sm text-zinc-500 dark:text-zinc-400">They have no active API keys in this team.</p>
      )}
    </ConfirmDialog>
  );
}
