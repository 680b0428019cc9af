"use client";

import { RefreshCw, Trash2 } from "lucide-react";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { Button } from "@/components/ui/button";
import type { ApiKeyStatus } from "@/server/services/keys/list-keys";
import { RevokeKeyDialog } from "./revoke-key-dialog";
import { RotateKeyDialog, type KeyRef } from "./rotate-key-dialog";

/** Rotate and Revoke buttons for a key's own page; the page re-renders after a change. */
export function KeyActions({ teamId, apiKey, status }: { teamId: string; apiKey: KeyRef; status: ApiKeyStatus }) {
  const router = useRouter();
  const [rotating, setRotating] = useState(false);
  const [revoking, setRevoking] = useState(false);
  if (status === "revoked") return null;
  return (
    <div className="flex gap-2">
      {status !== "expired" && (
        <Button variant="secondary" onClick={() => setRotating(true)}>
          <RefreshCw className="h-4 w-4" aria-hidden />
          Rotate
        </Button>
      )}
      <Button variant="secondary" onClick={() => setRevoking(true)} className="text-red-600 dark:text-red-400">
        <Trash2 className="h-4 w-4" aria-hidden />
        Revoke
      </Button>
      <RotateKeyDialog
        key={rotating ? "open" : "closed"}
        teamId={teamId}
        apiKey={rotating ? apiKey : null}
        onClose={() => setRotating(false)}
        onRotated={() => router.refresh()}
      />
      <RevokeKeyDialog
        teamId={teamId}
        apiKey={revoking ? apiKey : null}
        onClose={() => setRevoking(false)}
        onRevoked={() => router.refresh()}
      />
    </div>
  );
}
