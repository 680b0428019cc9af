"use client";

import { useMutation, useQuery } from "@tanstack/react-query";
import { LogOut } from "lucide-react";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { toast } from "sonner";
import { useTRPC } from "@/components/trpc/client";
import { Button } from "@/components/ui/button";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import type { MemberView } from "@/server/services/teams/members";
import type { Role } from "@/server/services/teams/permissions";
import { leaveBlocker } from "./member-rules";

/** "Leave team", for every member; the last owner is told what to do first. */
export function LeaveTeamButton({
  teamId,
  teamName,
  role,
  initialMembers,
}: {
  teamId: string;
  teamName: string;
  role: Role;
  initialMembers: MemberView[];
}) {
  const trpc = useTRPC();
  const router = useRouter();
  const { data: members } = useQuery(trpc.members.list.queryOptions({ teamId }, { initialData: initialMembers }));
  const leave = useMutation(trpc.members.leave.mutationOptions());
  const [open, setOpen] = useState(false);
  const myRole = members.find((m) => m.isYou)?.role ?? role;
  const blocker = leaveBlocker(myRole, members.filter((m) => m.role === "owner").length);

  return (
    <>
      <Button variant="secondary" onClick={() => setOpen(true)}>
        <LogOut className="h-4 w-4" aria-hidden />
        Leave team
      </Button>
      <ConfirmDialog
        open={open}
        onClose={() => setOpen(false)}
        title={`Leave ${teamName}?`}
        description="You lose access to this team's models, keys, instances and billing at once. To come back, an owner or admin must invite you again."
        confirmLabel="Leave team"
        confirmDisabled={blocker !== null}
        onConfirm={async () => {
          await leave.mutateAsync({ teamId });
          toast.success(`You left ${teamName}`);
          // Home picks another team of theirs, or their account page when none is left.
          router.replace("/");
          router.refresh();
        }}
      >
        {blocker && (
          <p className="rounded-md border border-amber-200 bg-amber-50 px-3 py-2 text-sm text-amber-800 dark:border-amber-900 dark:bg-amber-950/50 dark:text-amber-300">
            {blocker}
          </p>
        )}
      </ConfirmDialog>
    </>
  );
}
