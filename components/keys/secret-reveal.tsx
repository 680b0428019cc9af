"use client";

import { Check, Copy, TriangleAlert } from "lucide-react";
import { useId, useRef, useState } from "react";
import { toast } from "sonner";
import { Button } from "@/components/ui/button";

/**
 * Shows a new secret, once: read-only, monospace, with a Copy button. The secret lives only in the
 * dialog's state; closing the dialog drops it for good.
 */
export function SecretReveal({ secret, onDone }: { secret: string; onDone: () => void }) {
  const id = useId();
  const field = useRef<HTMLTextAreaElement>(null);
  const [copied, setCopied] = useState(false);

  const copy = async () => {
    try {
      if (!navigator.clipboard?.writeText) throw new Error("no clipboard API");
      await navigator.clipboard.writeText(secret);
      setCopied(true);
    } catch {
      // Plain http or a refused permission: select the text and try the old command.
      field.current?.select();
      if (document.execCommand("copy")) setCopied(true);
      else toast.error("Could not copy. The key is selected: copy it by hand.");
    }
  };

  return (
    <div className="space-y-4">
      <p
        role="note"
        className="flex gap-2 rounded-md border border-amber-200 bg-amber-50 px-3 py-2 text-sm text-amber-900 dark:border-amber-900/70 dark:bg-amber-950/40 dark:text-amber-200"
      >
        <TriangleAlert className="mt-0.5 h-4 w-4 shrink-0" aria-hidden />
        This is the only time the secret is shown. Store it somewhere safe.
      </p>
      <div className="space-y-1.5">
        <label htmlFor={id} className="block text-sm font-medium text-zinc-800 dark:text-zinc-200">
          Secret key
        </label>
        <textarea
          id={id}
          ref={field}
          readOnly
          rows={2}
          value={secret}
          spellCheck={false}
          autoComplete="off"
          onFocus={(e) => e.currentTarget.select()}
          className="block w-full resize-none rounded-md border border-zinc-300 bg-zinc-50 px-3 py-2 font-mono text-sm break-all text-zinc-900 shadow-sm focus:border-indigo-500 focus:ring-2 focus:ring-indigo-500/30 focus:outline-none dark:border-zinc-700 dark:bg-zinc-950 dark:text-zinc-100"
        />
        <p className="text-xs text-zinc-500 dark:text-zinc-400">
          Send it as a bearer token: <code className="font-mono">Authorization: Bearer cc_sk_…</code>
        </p>
      </div>
      <div className="flex items-center justify-between gap-3 pt-1">
        <Button type="button" variant="secondary" onClick={() => void copy()} aria-live="polite">
          {copied ? (
            <Check className="h-4 w-4 text-emerald-600 dark:text-emerald-400" aria-hidden />
          ) : (
            <Copy className="h-4 w-4" aria-hidden />
          )}
          {copied ? "Copied" : "Copy"}
        </Button>
        <Button type="button" onClick={onDone}>
          Done
        </Button>
      </div>
    </div>
  );
}
