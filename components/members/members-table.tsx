"use client";

import { useQuery } from "@tanstack/react-query";
import { Crown, MoreHorizontal, ShieldCheck, UserMinus } from "lucide-react";
import { useState, type ReactNode } from "react";
import { Avatar } from "@/components/shell/avatar";
import { DateText } from "@/components/keys/date-text";
import { useTRPC } from "@/components/trpc/client";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { cn } from "@/components/ui/cn";
import { Menu, MenuContent, MenuItem, MenuSeparator, MenuTrigger } from "@/components/ui/menu";
import { ReadOnlyNotice } from "@/components/ui/read-only-notice";
import { TableBody, TableHead } from "@/components/ui/table";
import type { MemberView } from "@/server/services/teams/members";
import { hasScope, ROLE_LABELS, type Role } from "@/server/services/teams/permissions";
import { LastActive } from "./member-last-active";
import { RemoveMemberDialog } from "./member-remove-dialog";
import { ChangeRoleDialog } from "./member-role-dialog";
import { rowActions, type Permission, type RowActions } from "./member-rules";
import { TransferOwnershipDialog } from "./member-transfer-dialog";

const th = "px-3 py-2.5 text-left sm:px-4 text-xs font-medium tracking-wide whitespace-nowrap text-zinc-500 uppercase dark:text-zinc-400";
const td = "px-3 py-3 align-middle sm:px-4";

type Dialogs = { kind: "role" | "remove" | "transfer"; member: MemberView } | null;

/** The team's members; owners and admins get a menu per row to change roles, remove, or hand over. */
export function MembersTable({
  teamId,
  teamName,
  role,
  initialMembers,
}: {
  teamId: string;
  teamName: string;
  /** The signed-in person's role when the page was rendered. */
  role: Role;
  initialMembers: MemberView[];
}) {
  const trpc = useTRPC();
  const { data: members } = useQuery(trpc.members.list.queryOptions({ teamId }, { initialData: initialMembers }));
  const [dialog, setDialog] = useState<Dialogs>(null);
  const callerRole = members.find((m) => m.isYou)?.role ?? role;
  const ownerCount = members.filter((m) => m.role === "owner").length;
  const canManage = hasScope(callerRole, "members:write");
  const close = () => setDialog(null);

  return (
    <>
      {!canManage && (
        <ReadOnlyNotice>
          Your role can see who is in this team. Owners and admins invite people, change roles and remove members.
        </ReadOnlyNotice>
      )}
      <Card className="overflow-x-auto">
        {/* Fixed layout: the member column takes what the others leave, so long names and emails truncate. */}
        <table className="w-full table-fixed text-sm">
          <caption className="sr-only">
            {members.length} {members.length === 1 ? "member" : "members"} of {teamName}
          </caption>
          <TableHead shaded>
            <th scope="col" className={th}>
              Member
            </th>
            <th scope="col" className={`${th} hidden w-28 sm:table-cell`}>
              Role
            </th>
            <th scope="col" className={`${th} hidden w-36 md:table-cell`}>
              Joined
            </th>
            <th scope="col" className={`${th} hidden w-32 md:table-cell`}>
              Last active
            </th>
            {canManage && (
              <th scope="col" className={`${th} w-14`}>
                <span className="sr-only">Actions</span>
              </th>
            )}
          </TableHead>
          <TableBody>
            {members.map((member) => (
              <MemberRow
                key={member.userId}
                member={member}
                actions={rowActions(callerRole, member, ownerCount)}
                showActions={canManage}
                onAction={(kind) => setDialog({ kind, member })}
              />
            ))}
          </TableBody>
        </table>
      </Card>

      {dialog?.kind === "role" && <ChangeRoleDialog teamId={teamId} callerRole={callerRole} member={dialog.member} onClose={close} />}
      {dialog?.kind === "remove" && <RemoveMemberDialog teamId={teamId} teamName={teamName} member={dialog.member} onClose={close} />}
      {dialog?.kind === "transfer" && <TransferOwnershipDialog teamId={teamId} teamName={teamName} member={dialog.member} onClose={close} />}
    </>
  );
}

function MemberRow({
  member,
  actions,
  showActions,
  onAction,
}: {
  member: MemberView;
  actions: RowActions | null;
  showActions: boolean;
  onAction: (kind: "role" | "remove" | "transfer") => void;
}) {
  return (
    <tr className={member.isYou ? "bg-indigo-50/40 dark:bg-indigo-950/20" : undefined}>
      <td className={td}>
        <div className="flex items-center gap-3">
          <Avatar name={member.name} />
          <div className="min-w-0">
            <p className="flex items-center gap-2 font-medium text-zinc-900 dark:text-zinc-100">
              <span className="truncate">{member.name}</span>
              {member.isYou && (
                <span className="shrink-0 rounded bg-indigo-100 px-1.5 py-0.5 text-xs font-medium text-indigo-700 dark:bg-indigo-950 dark:text-indigo-300">
                  You
                </span>
              )}
            </p>
            <p className="truncate text-xs text-zinc-500 dark:text-zinc-400" title={member.email}>
              {member.email}
            </p>
            {/* On a phone the role column gives its width to this one, and the role shows here. */}
            <div className="mt-1.5 sm:hidden">
              <RoleBadge role={member.role} />
            </div>
            <div className="mt-1 text-xs text-zinc-500 md:hidden dark:text-zinc-400">
              <p>
                Joined <DateText value={member.joinedAt} />
              </p>
              <p>
                Last active: <LastActive value={member.lastActiveAt} />
              </p>
            </div>
          </div>
        </div>
      </td>
      <td className={`${td} hidden sm:table-cell`}>
        <RoleBadge role={member.role} />
      </td>
      <td className={`${td} hidden whitespace-nowrap text-zinc-600 md:table-cell dark:text-zinc-400`}>
        <DateText value={member.joinedAt} />
      </td>
      <td className={`${td} hidden whitespace-nowrap text-zinc-600 md:table-cell dark:text-zinc-400`}>
        <LastActive value={member.lastActiveAt} />
      </td>
      {showActions && (
        <td className={`${td} text-right`}>{actions && <RowMenu member={member} actions={actions} onAction={onAction} />}</td>
      )}
    </tr>
  );
}

export function RoleBadge({ role }: { role: Role }) {
  const tone =
    role === "owner"
      ? "bg-indigo-100 text-indigo-800 dark:bg-indigo-950 dark:text-indigo-300"
      : role === "admin"
        ? "bg-sky-100 text-sky-800 dark:bg-sky-950 dark:text-sky-300"
        : "bg-zinc-100 text-zinc-700 dark:bg-zinc-800 dark:text-zinc-300";
  return <span className={cn("inline-flex rounded px-1.5 py-0.5 text-xs font-medium whitespace-nowrap", tone)}>{ROLE_LABELS[role]}</span>;
}

function RowMenu({
  member,
  actions,
  onAction,
}: {
  member: MemberView;
  actions: RowActions;
  onAction: (kind: "role" | "remove" | "transfer") => void;
}) {
  return (
    <Menu>
      <MenuTrigger asChild>
        <Button variant="ghost" size="icon" aria-label={`Actions for ${member.name}`}>
          <MoreHorizontal className="h-4 w-4" aria-hidden />
        </Button>
      </MenuTrigger>
      <MenuContent align="end" className="w-64">
        <ActionItem permission={actions.changeRole} onSelect={() => onAction("role")} icon={<ShieldCheck className="h-4 w-4" aria-hidden />}>
          Change role
        </ActionItem>
        {actions.makeOwner && (
          <ActionItem permission={{ allowed: true }} onSelect={() => onAction("transfer")} icon={<Crown className="h-4 w-4" aria-hidden />}>
            Make owner
          </ActionItem>
        )}
        {actions.remove && (
          <>
            <MenuSeparator />
            <ActionItem
              permission={actions.remove}
              onSelect={() => onAction("remove")}
              icon={<UserMinus className="h-4 w-4" aria-hidden />}
              danger
            >
              Remove from team
            </ActionItem>
          </>
        )}
      </MenuContent>
    </Menu>
  );
}

/** A menu item; when not allowed it stays visible, disabled, with the reason under its label. */
function ActionItem({
  permission,
  onSelect,
  icon,
  danger = false,
  children,
}: {
  permission: Permission;
  onSelect: () => void;
  icon: ReactNode;
  danger?: boolean;
  children: ReactNode;
}) {
  return (
    <MenuItem
      disabled={!permission.allowed}
      onSelect={onSelect}
      className={cn(
        "items-start data-[disabled]:cursor-not-allowed data-[disabled]:opacity-60",
        danger &&
          permission.allowed &&
          "text-red-600 data-[highlighted]:bg-red-50 data-[highlighted]:text-red-700 dark:text-red-400 dark:data-[highlighted]:bg-red-950/50 dark:data-[highlighted]:text-red-300",
      )}
    >
      <span className="mt-0.5">{icon}</span>
      <span>
        <span className="block">{children}</span>
        {!permission.allowed && <span className="block text-xs text-zinc-500 dark:text-zinc-400">{permission.reason}</span>}
      </span>
    </MenuItem>
  );
}
