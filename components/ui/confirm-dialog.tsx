"use client";

import { useState, type ReactNode } from "react";
import { applyServerError } from "@/components/forms/server-errors";
import { Button } from "./button";
import { Dialog } from "./dialog";
import { FormError } from "./field";

export interface ConfirmDialogProps {
  open: boolean;
  title: string;
  description?: ReactNode;
  /** What the confirming button says, e.g. "Revoke key". */
  confirmLabel: ReactNode;
  cancelLabel?: string;
  variant?: "danger" | "primary";
  /** Keeps the confirming button disabled, e.g. while the details say why the action is not possible. */
  confirmDisabled?: boolean;
  /** Runs the action; a thrown server error is shown in the dialog, which then stays open. */
  onConfirm: () => Promise<void>;
  /** Runs after the action failed and its message is shown, e.g. to refetch what may have changed. */
  onError?: (error: unknown) => void | Promise<void>;
  onClose: () => void;
  /** Details between the description and the buttons: what exactly is about to happen. */
  children?: ReactNode;
}

/**
 * Asks before an action that cannot be undone. Closes when the action succeeds; keeps the
 * server's message on screen when it fails, so the person can see why and try again.
 */
export function ConfirmDialog({
  open,
  title,
  description,
  confirmLabel,
  cancelLabel = "Cancel",
  variant = "danger",
  confirmDisabled = false,
  onConfirm,
  onError,
  onClose,
  children,
}: ConfirmDialogProps) {
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
    } catch (e) {
      setError(applyServerError(e, () => {}, []));
      setPending(false);
      await onError?.(e);
      return;
    }
    setPending(false);
    close();
  };
  return (
    <Dialog open={open} onOpenChange={(next) => !next && !pending && close()} title={title} description={description}>
      <div className="space-y-5">
        {children}
        <FormError>{error}</FormError>
        <div className="flex flex-col-reverse gap-3 sm:flex-row sm:justify-end">
          <Button type="button" variant="secondary" onClick={close} disabled={pending}>
            {cancelLabel}
          </Button>
          <Button type="button" variant={variant} pending={pending} disabled={confirmDisabled} onClick={() => void confirm()}>
            {confirmLabel}
          </Button>
        </div>
      </div>
    </Dialog>
  );
}
