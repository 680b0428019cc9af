"use client";

import { useState, type ReactNode } from "react";
import { applyServerError } from "@/components/forms/server-errors";
import { Button } from "./button";
import { Dialog } from "./dialog";
import { FormError } from "./field";

export interface ConfirmDialogProps {
  open: boolean;
  title: string;
  description?: string;
  /** What the confirming button says, e.g. "Revoke key". */
  confirmLabel: ReactNode;
  cancelLabel?: string;
  variant?: "danger" | "primary";
  /** Runs the action; a thrown server error is shown in the dialog, which then stays open. */
  onConfirm: () => Promise<void>;
  onClose: () => void;
  /** Details between the description and the buttons: what exactly is about to happen. */
  children?: ReactNode;
}

/**
 * Asks before an action that cannot be undone. Closes when the action succeeds; keeps the
 * server's message on screen when it fails, so the person can see why and try again.
 */
export function ConfirmDialog({ open, title, description, confirmLabel, cancelLabel = "Cancel", variant = "danger", onConfirm, onClose, children }: ConfirmDialogProps) {
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);
  const close = () => {
    setError(null);
    onClose();
  };
  const confirm = async () => {
    setError(null);
    setPending(true);
    try {
      await onConfirm();
      close();
    } catch (e) {
      setError(applyServerError(e, () => {}, []));
    } finally {
      setPending(false);
    }
  };
  return (
    <Dialog open={open} onOpenChange={(next) => !next && !pending && close()} title={title} description={description}>
      <div className="space-y-5">
        {children}
        <FormError>{error}</FormError>
        <div className="flex flex-wrap justify-end gap-3">
          <Button type="button" variant="secondary" onClick={close} disabled={pending}>
            {cancelLabel}
          </Button>
          <Button type="button" variant={variant} pending={pending} onClick={() => void confirm()}>
            {confirmLabel}
          </Button>
        </div>
      </div>
    </Dialog>
  );
}
