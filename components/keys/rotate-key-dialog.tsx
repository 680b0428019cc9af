"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useForm } from "react-hook-form";
import { toast } from "sonner";
import { z } from "zod";
import { applyServerError } from "@/components/forms/server-errors";
import { useTRPC } from "@/components/trpc/client";
import { Button } from "@/components/ui/button";
import { Dialog } from "@/components/ui/dialog";
import { FormError, SelectField } from "@/components/ui/field";
import { Form } from "@/components/ui/form";
import { GRACE_PRESETS, gracePeriodSchema } from "@/server/services/keys/schemas";
import { SecretReveal } from "./secret-reveal";

const formSchema = z.object({ gracePeriodMinutes: gracePeriodSchema });
type FormInput = z.input<typeof formSchema>;
type FormOutput = z.output<typeof formSchema>;

const GRACE_OPTIONS = GRACE_PRESETS.map((p) => ({ value: String(p.minutes), label: p.label }));

export interface KeyRef {
  id: string;
  name: string;
}

/**
 * Rotates a key: asks how long the old secret should keep working, then shows the new secret
 * once. Render it with `key={apiKey?.id}` so every key starts from a fresh form.
 */
export function RotateKeyDialog({
  teamId,
  apiKey,
  onClose,
  onRotated,
}: {
  teamId: string;
  apiKey: KeyRef | null;
  onClose: () => void;
  onRotated?: () => void;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const rotate = useMutation(trpc.keys.rotate.mutationOptions());
  const [formError, setFormError] = useState<string | null>(null);
  const [secret, setSecret] = useState<string | null>(null);
  const form = useForm<FormInput, unknown, FormOutput>({
    resolver: zodResolver(formSchema),
    defaultValues: { gracePeriodMinutes: "60" },
  });
  const { errors, isSubmitting } = form.formState;

  const close = () => {
    setSecret(null);
    rotate.reset();
    onClose();
  };

  const onSubmit = form.handleSubmit(async (values) => {
    if (!apiKey) return;
    setFormError(null);
    try {
      const rotated = await rotate.mutateAsync({ teamId, keyId: apiKey.id, ...values });
      setSecret(rotated.secret);
      toast.success("Key rotated");
      await queryClient.invalidateQueries(trpc.keys.pathFilter());
      onRotated?.();
    } catch (error) {
      setFormError(applyServerError(error, form.setError, ["gracePeriodMinutes"]));
    }
  });

  return (
    <Dialog
      open={apiKey !== null}
      onOpenChange={(next) => !next && close()}
      dismissible={!secret}
      title={secret ? "Key rotated" : `Rotate key ${apiKey?.name ?? ""}`}
      description={
        secret
          ? "Put the new secret where the old one was used."
          : "The key gets a new secret. Its name, scopes and limits stay the same."
      }
    >
      {secret ? (
        <SecretReveal secret={secret} onDone={close} />
      ) : (
        <Form onSubmit={onSubmit} noValidate className="space-y-5">
          <FormError>{formError}</FormError>
          <SelectField
            label="Grace period"
            options={GRACE_OPTIONS}
            hint="How long the old secret keeps working, so you can update your apps without downtime. A secret already in a grace period stops at once."
            error={errors.gracePeriodMinutes?.message}
            {...form.register("gracePeriodMinutes")}
          />
          <div className="flex justify-end gap-3 pt-1">
            <Button type="button" variant="secondary" onClick={close}>
              Cancel
            </Button>
            <Button type="submit" pending={isSubmitting}>
              Rotate key
            </Button>
          </div>
        </Form>
      )}
    </Dialog>
  );
}
