"use client";

import { useQuery } from "@tanstack/react-query";
import { KeyRound, MoreHorizontal, Plus, RefreshCw, Trash2 } from "lucide-react";
import Link from "next/link";
import { useState } from "react";
import { useTRPC } from "@/components/trpc/client";
import { Button } from "@/components/ui/button";
import { EmptyState } from "@/components/ui/empty-state";
import { Menu, MenuContent, MenuItem, MenuSeparator, MenuTrigger } from "@/components/ui/menu";
import { PageHeader } from "@/components/ui/page-header";
import { ReadOnlyNotice } from "@/components/ui/read-only-notice";
import { ActionsTh, TableBody, TableCard, TableHead, tdClass, Th } from "@/components/ui/table";
import type { ApiKeyView } from "@/server/services/keys/list-keys";
import { CreateKeyDialog } from "./create-key-dialog";
import { DateText } from "./date-text";
import { KeyStatusBadge, ScopeBadges } from "./key-badges";
import { RevokeKeyDialog } from "./revoke-key-dialog";
import { RotateKeyDialog, type KeyRef } from "./rotate-key-dialog";

export function KeysView({
  teamId,
  teamSlug,
  canWrite,
  initialKeys,
}: {
  teamId: string;
  teamSlug: string;
  canWrite: boolean;
  initialKeys: ApiKeyView[];
}) {
  const trpc = useTRPC();
  const { data: keys } = useQuery(trpc.keys.list.queryOptions({ teamId }, { initialData: initialKeys }));
  const [creating, setCreating] = useState(false);
  const [rotating, setRotating] = useState<KeyRef | null>(null);
  const [revoking, setRevoking] = useState<KeyRef | null>(null);

  return (
    <>
      <PageHeader
        title="API keys"
        description="Keys let your code call hosted models and manage instances on behalf of this team."
        actions={
          canWrite && keys.length > 0 ? (
            <Button onClick={() => setCreating(true)}>
              <Plus className="h-4 w-4" aria-hidden />
              Create key
            </Button>
          ) : undefined
        }
      />
      {!canWrite && (
        <ReadOnlyNotice>
          Your role can see this team&apos;s keys but not create, rotate or revoke them. Owners, admins and developers can.
        </ReadOnlyNotice>
      )}

      {keys.length === 0 ? (
        <NoKeysYet canWrite={canWrite} onCreate={() => setCreating(true)} />
      ) : (
        <TableCard>
          <TableHead shaded>
            <Th>Key</Th>
            <Th className="hidden xl:table-cell">Scopes</Th>
            <Th className="hidden lg:table-cell">Created</Th>
            <Th className="hidden lg:table-cell">Last used</Th>
            <Th className="hidden lg:table-cell">Expires</Th>
            <Th>Status</Th>
            <ActionsTh className="w-12" />
          </TableHead>
          <TableBody>
            {keys.map((key) => (
              <KeyRow
                key={key.id}
                apiKey={key}
                href={`/${teamSlug}/keys/${key.id}`}
                canWrite={canWrite}
                onRotate={() => setRotating({ id: key.id, name: key.name })}
                onRevoke={() => setRevoking({ id: key.id, name: key.name })}
              />
            ))}
          </TableBody>
        </TableCard>
      )}

      {canWrite && (
        <>
          <CreateKeyDialog teamId={teamId} open={creating} onOpenChange={setCreating} />
          <RotateKeyDialog key={rotating?.id ?? "none"} teamId={teamId} apiKey={rotating} onClose={() => setRotating(null)} />
          <RevokeKeyDialog teamId={teamId} apiKey={revoking} onClose={() => setRevoking(null)} />
        </>
      )}
    </>
  );
}

function KeyRow({
  apiKey: key,
  href,
  canWrite,
  onRotate,
  onRevoke,
}: {
  apiKey: ApiKeyView;
  href: string;
  canWrite: boolean;
  onRotate: () => void;
  onRevoke: () => void;
}) {
  const muted = key.status === "revoked" || key.status === "expired";
  const lastUsed = key.lastUsedAt ? <DateText value={key.lastUsedAt} /> : "Never";
  const expires = key.expiresAt ? <DateText value={key.expiresAt} /> : "Never";
  return (
    <tr className={muted ? "text-zinc-500 dark:text-zinc-400" : undefined}>
      <td className={`${tdClass} min-w-40`}>
        <Link
          href={href}
          className="block font-medium [overflow-wrap:anywhere] text-zinc-900 hover:text-indigo-600 hover:underline dark:text-zinc-100 dark:hover:text-indigo-400"
        >
          {key.name}
        </Link>
        <code className="mt-0.5 block font-mono text-xs whitespace-nowrap text-zinc-500 dark:text-zinc-400">{key.hint}</code>
        <ScopeBadges scopes={key.scopes} className="mt-2 xl:hidden" />
        <p className="mt-1.5 text-xs text-zinc-500 lg:hidden dark:text-zinc-400">
          Last used {lastUsed} · Expires {expires}
        </p>
      </td>
      <td className={`${tdClass} hidden xl:table-cell`}>
        <ScopeBadges scopes={key.scopes} />
      </td>
      <td className={`${tdClass} hidden whitespace-nowrap lg:table-cell`}>
        <DateText value={key.createdAt} />
        <span className="block text-xs text-zinc-500 dark:text-zinc-400">
          {key.createdBy ? `by ${key.createdBy.name ?? "a former member"}` : null}
        </span>
      </td>
      <td className={`${tdClass} hidden whitespace-nowrap lg:table-cell`}>{lastUsed}</td>
      <td className={`${tdClass} hidden whitespace-nowrap lg:table-cell`}>{expires}</td>
      <td className={tdClass}>
        <KeyStatusBadge
          status={key.status}
          title={key.status === "expiring" ? "Rotated: the previous secret still works for a while" : undefined}
        />
      </td>
      <td className={`${tdClass} text-right`}>
        {canWrite && key.status !== "revoked" && (
          <Menu>
            <MenuTrigger asChild>
              <Button variant="ghost" size="icon" aria-label={`Actions for ${key.name}`}>
                <MoreHorizontal className="h-4 w-4" aria-hidden />
              </Button>
            </MenuTrigger>
            <MenuContent align="end" className="min-w-40">
              <MenuItem asChild>
                <Link href={href}>View details</Link>
              </MenuItem>
              {key.status !== "expired" && (
                <MenuItem onSelect={onRotate}>
                  <RefreshCw className="h-4 w-4" aria-hidden />
                  Rotate
                </MenuItem>
              )}
              <MenuSeparator />
              <MenuItem
                onSelect={onRevoke}
                className="text-red-600 data-[highlighted]:bg-red-50 data-[highlighted]:text-red-700 dark:text-red-400 dark:data-[highlighted]:bg-red-950/50 dark:data-[highlighted]:text-red-300"
              >
                <Trash2 className="h-4 w-4" aria-hidden />
                Revoke
              </MenuItem>
            </MenuContent>
          </Menu>
        )}
      </td>
    </tr>
  );
}

function NoKeysYet({ canWrite, onCreate }: { canWrite: boolean; onCreate: () => void }) {
  return (
    <EmptyState
      icon={KeyRound}
      title="No API keys yet"
      description="An API key lets your code call hosted models through the OpenAI-compatible API, with only the scopes and limits you give it. Send it as a bearer token; revoke it any time."
      actions={
        canWrite ? (
          <Button onClick={onCreate}>
            <Plus className="h-4 w-4" aria-hidden />
            Create key
          </Button>
        ) : (
          <p className="text-sm text-zinc-500 dark:text-zinc-400">Ask an owner, admin or developer to create one.</p>
        )
      }
    />
  );
}
