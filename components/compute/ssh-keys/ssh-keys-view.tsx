"use client";

import { useQuery } from "@tanstack/react-query";
import { KeySquare, Plus, Trash2 } from "lucide-react";
import { useState } from "react";
import { DateText } from "@/components/keys/date-text";
import { useTRPC } from "@/components/trpc/client";
import { Button } from "@/components/ui/button";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { ReadOnlyNotice } from "@/components/ui/read-only-notice";
import { ActionsTh, TableBody, TableCard, TableHead, tdClass, Th } from "@/components/ui/table";
import { SSH_KEY_TYPE_LABELS } from "@/server/services/compute/ssh-keys/schemas";
import type { SshKeyView } from "@/server/services/compute/ssh-keys/ssh-keys";
import { AddSshKeyDialog } from "./add-ssh-key-dialog";
import { DeleteSshKeyDialog, type SshKeyRef } from "./delete-ssh-key-dialog";

/** "ED25519", "RSA 4096": how `ssh-keygen -l` describes a key, size first for RSA only. */
function typeLabel(key: Pick<SshKeyView, "keyType" | "bits">): string {
  const label = SSH_KEY_TYPE_LABELS[key.keyType];
  return key.keyType === "ssh-rsa" && key.bits ? `${label} ${key.bits}` : label;
}

export function SshKeysView({ teamId, canWrite, initialKeys }: { teamId: string; canWrite: boolean; initialKeys: SshKeyView[] }) {
  const trpc = useTRPC();
  const { data: keys } = useQuery(trpc.sshKeys.list.queryOptions({ teamId }, { initialData: initialKeys }));
  const [adding, setAdding] = useState(false);
  const [deleting, setDeleting] = useState<SshKeyRef | null>(null);

  return (
    <>
      <PageHeader
        title="SSH keys"
        description="Public keys your team can put on the instances it launches, to log in with ssh."
        actions={
          canWrite && keys.length > 0 ? (
            <Button onClick={() => setAdding(true)}>
              <Plus className="h-4 w-4" aria-hidden />
              Add SSH key
            </Button>
          ) : undefined
        }
      />
      {!canWrite && (
        <ReadOnlyNotice>
          Your role can see this team&apos;s SSH keys but not add or delete them. Owners, admins and developers can.
        </ReadOnlyNotice>
      )}

      {keys.length === 0 ? (
        <NoKeysYet canWrite={canWrite} onAdd={() => setAdding(true)} />
      ) : (
        <TableCard>
          <TableHead shaded>
            <Th>Name</Th>
            <Th className="hidden md:table-cell">Type</Th>
            <Th className="hidden md:table-cell">Fingerprint</Th>
            <Th className="hidden lg:table-cell">Added</Th>
            {canWrite && (
              <ActionsTh className="w-12" />
            )}
          </TableHead>
          <TableBody>
            {keys.map((key) => (
              <tr key={key.id}>
                <td className={`${tdClass} min-w-0`}>
                  <span className="block font-medium [overflow-wrap:anywhere] text-zinc-900 dark:text-zinc-100">{key.name}</span>
                  {key.comment && key.comment !== key.name && (
                    <span className="mt-0.5 block text-xs [overflow-wrap:anywhere] text-zinc-500 dark:text-zinc-400">{key.comment}</span>
                  )}
                  <div className="mt-1.5 space-y-1 md:hidden">
                    <span className="block text-xs text-zinc-500 dark:text-zinc-400">{typeLabel(key)}</span>
                    <code className="block font-mono text-xs break-all text-zinc-700 dark:text-zinc-300">{key.fingerprint}</code>
                  </div>
                  <p className="mt-1.5 text-xs text-zinc-500 lg:hidden dark:text-zinc-400">
                    Added <DateText value={key.createdAt} />
                    {key.createdBy ? ` by ${key.createdBy.name ?? "a former member"}` : null}
                  </p>
                </td>
                <td className={`${tdClass} hidden whitespace-nowrap md:table-cell`}>{typeLabel(key)}</td>
                <td className={`${tdClass} hidden md:table-cell`}>
                  <code className="font-mono text-xs break-all text-zinc-700 xl:break-normal xl:whitespace-nowrap dark:text-zinc-300">
                    {key.fingerprint}
                  </code>
                </td>
                <td className={`${tdClass} hidden whitespace-nowrap lg:table-cell`}>
                  <DateText value={key.createdAt} />
                  <span className="block text-xs text-zinc-500 dark:text-zinc-400">
                    {key.createdBy ? `by ${key.createdBy.name ?? "a former member"}` : "through the API"}
                  </span>
                </td>
                {canWrite && (
                  <td className={`${tdClass} text-right`}>
                    <Button
                      variant="ghost"
                      size="icon"
                      aria-label={`Delete SSH key ${key.name}`}
                      title="Delete"
                      className="text-zinc-500 hover:text-red-600 dark:text-zinc-400 dark:hover:text-red-400"
                      onClick={() => setDeleting({ id: key.id, name: key.name, fingerprint: key.fingerprint })}
                    >
                      <Trash2 className="h-4 w-4" aria-hidden />
                    </Button>
                  </td>
                )}
              </tr>
            ))}
          </TableBody>
        </TableCard>
      )}

      {canWrite && (
        <>
          <AddSshKeyDialog teamId={teamId} open={adding} onOpenChange={setAdding} />
          <DeleteSshKeyDialog teamId={teamId} sshKey={deleting} onClose={() => setDeleting(null)} />
        </>
      )}
    </>
  );
}

function NoKeysYet({ canWrite, onAdd }: { canWrite: boolean; onAdd: () => void }) {
  return (
    <EmptyState
      icon={KeySquare}
      title="No SSH keys yet"
      description="An instance accepts logins from the SSH keys you choose when you launch it. Add the public half of a key here; the private half never leaves your machine."
      actions={
        canWrite ? (
          <Button onClick={onAdd}>
            <Plus className="h-4 w-4" aria-hidden />
            Add SSH key
          </Button>
        ) : (
          <p className="text-sm text-zinc-500 dark:text-zinc-400">Ask an owner, admin or developer to add one.</p>
        )
      }
    >
      <div className="mt-5 w-full max-w-md text-left text-sm">
        <p className="text-zinc-600 dark:text-zinc-300">No key yet? Make one in a terminal:</p>
        <pre className="mt-2 overflow-x-auto rounded-md bg-zinc-100 px-3 py-2 font-mono text-xs text-zinc-800 dark:bg-zinc-800 dark:text-zinc-200">
          ssh-keygen -t ed25519
        </pre>
        <p className="mt-2 text-zinc-600 dark:text-zinc-300">
          then paste the contents of <code className="font-mono text-xs">~/.ssh/id_ed25519.pub</code>.
        </p>
      </div>
    </EmptyState>
  );
}
