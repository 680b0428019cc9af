"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useId, useState } from "react";
import { useForm } from "react-hook-form";
import { toast } from "sonner";
import type { z } from "zod";
import { applyServerError } from "@/components/forms/server-errors";
import { useTRPC } from "@/components/trpc/client";
import { Button } from "@/components/ui/button";
import { cn } from "@/components/ui/cn";
import { Dialog } from "@/components/ui/dialog";
import { FormError, inputClasses, TextField } from "@/components/ui/field";
import { Form } from "@/components/ui/form";
import { addSshKeyInput, MAX_SSH_KEY_NAME_LENGTH } from "@/server/services/compute/ssh-keys/schemas";

type FormInput = z.input<typeof addSshKeyInput>;
type FormOutput = z.output<typeof addSshKeyInput>;

const DEFAULTS: FormInput = { name: "", publicKey: "" };
const FIELDS = ["name", "publicKey"] as const;

/** The comment of a pasted key ("kim@laptop"), a fair default name for it. */
function commentOf(publicKey: string): string {
  const [, , ...comment] = publicKey.trim().split(/\s+/);
  return comment.join(" ").slice(0, MAX_SSH_KEY_NAME_LENGTH);
}

export function AddSshKeyDialog({ teamId, open, onOpenChange }: { teamId: string; open: boolean; onOpenChange: (open: boolean) => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const add = useMutation(trpc.sshKeys.add.mutationOptions());
  const [formError, setFormError] = useState<string | null>(null);
  const form = useForm<FormInput, unknown, FormOutput>({ resolver: zodResolver(addSshKeyInput), defaultValues: DEFAULTS });
  const { errors, isSubmitting } = form.formState;
  const keyId = useId();
  const publicKey = form.register("publicKey");

  const close = (next: boolean) => {
    onOpenChange(next);
    if (!next) {
      form.reset(DEFAULTS);
      setFormError(null);
      add.reset();
    }
  };

  const onValid = async (values: FormOutput) => {
    setFormError(null);
    try {
      const key = await add.mutateAsync({ teamId, ...values });
      toast.success(`Added SSH key ${key.name}`);
      await queryClient.invalidateQueries(trpc.sshKeys.pathFilter());
      close(false);
    } catch (error) {
      setFormError(applyServerError(error, form.setError, FIELDS));
    }
  };

  const keyError = errors.publicKey?.message;
  const describedBy = keyError ? `${keyId}-error` : `${keyId}-hint`;

  return (
    <Dialog
      open={open}
      onOpenChange={close}
      title="Add SSH key"
      description="Instances you launch can be given this key, so that you can log in to them with ssh."
      className="max-h-[calc(100dvh-2rem)] overflow-y-auto sm:max-w-xl"
    >
      <Form onSubmit={form.handleSubmit(onValid)} noValidate className="space-y-5">
        <FormError>{formError}</FormError>
        <div className="space-y-1.5">
          <label htmlFor={keyId} className="block text-sm font-medium text-zinc-800 dark:text-zinc-200">
            Public key
          </label>
          <textarea
            id={keyId}
            rows={5}
            autoFocus
            spellCheck={false}
            autoCapitalize="off"
            autoComplete="off"
            placeholder="ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAA… you@laptop"
            aria-invalid={keyError ? true : undefined}
            aria-describedby={describedBy}
            className={cn(inputClasses, "h-auto min-h-28 resize-y py-2 font-mono text-xs leading-5 break-all")}
            {...publicKey}
            onChange={(event) => {
              void publicKey.onChange(event);
              if (!form.getValues("name").trim()) {
                const comment = commentOf(event.target.value);
                if (comment) form.setValue("name", comment);
              }
            }}
          />
          {keyError ? (
            <p id={`${keyId}-error`} className="text-sm text-red-600 dark:text-red-400">
              {keyError}
            </p>
          ) : (
            <p id={`${keyId}-hint`} className="text-xs text-zinc-500 dark:text-zinc-400">
              Paste the contents of your <code className="font-mono">.pub</code> file, e.g.{" "}
              <code className="font-mono">~/.ssh/id_ed25519.pub</code>. Ed25519, ECDSA and RSA (2048 bits or more) keys work.
            </p>
          )}
        </div>
        <TextField
          label="Name"
          autoComplete="off"
          placeholder="Work laptop"
          hint="Shown when you choose keys for an instance. Defaults to the key's comment."
          error={errors.name?.message}
          {...form.register("name")}
        />
        <div className="flex justify-end gap-3 pt-1">
          <Button type="button" variant="secondary" onClick={() => close(false)}>
            Cancel
          </Button>
          <Button type="submit" pending={isSubmitting}>
            Add key
          </Button>
        </div>
      </Form>
    </Dialog>
  );
}
