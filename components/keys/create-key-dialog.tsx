"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { ChevronRight } from "lucide-react";
import { useId, useRef, useState } from "react";
import { useForm, type FieldErrors } from "react-hook-form";
import { toast } from "sonner";
import type { z } from "zod";
import { applyServerError } from "@/components/forms/server-errors";
import { useTRPC } from "@/components/trpc/client";
import { Button } from "@/components/ui/button";
import { Dialog } from "@/components/ui/dialog";
import { CheckboxField, FormError, SelectField, TextField } from "@/components/ui/field";
import { Form } from "@/components/ui/form";
import {
  API_KEY_SCOPE_DESCRIPTIONS,
  API_KEY_SCOPE_LABELS,
  API_KEY_SCOPES,
  createKeyInput,
} from "@/server/services/keys/schemas";
import { SecretReveal } from "./secret-reveal";

type FormInput = z.input<typeof createKeyInput>;
type FormOutput = z.output<typeof createKeyInput>;

const DEFAULTS: FormInput = {
  name: "",
  scopes: ["inference"],
  expiresInDays: "",
  modelAllowlist: "",
  requestsPerMinute: "",
  tokensPerMinute: "",
  monthlySpendLimitUsd: "",
};

const EXPIRY_OPTIONS = [
  { value: "", label: "Never" },
  { value: "7", label: "7 days" },
  { value: "30", label: "30 days" },
  { value: "90", label: "90 days" },
  { value: "365", label: "1 year" },
] as const;

const FIELDS = [
  "name",
  "scopes",
  "expiresInDays",
  "modelAllowlist",
  "requestsPerMinute",
  "tokensPerMinute",
  "monthlySpendLimitUsd",
] as const;
const ADVANCED_FIELDS = ["modelAllowlist", "requestsPerMinute", "tokensPerMinute", "monthlySpendLimitUsd"] as const;

export function CreateKeyDialog({
  teamId,
  open,
  onOpenChange,
}: {
  teamId: string;
  open: boolean;
  onOpenChange: (open: boolean) => void;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const create = useMutation(trpc.keys.create.mutationOptions());
  const [formError, setFormError] = useState<string | null>(null);
  const [created, setCreated] = useState<{ name: string; secret: string } | null>(null);
  const advanced = useRef<HTMLDetailsElement>(null);
  const scopesId = useId();
  const form = useForm<FormInput, unknown, FormOutput>({ resolver: zodResolver(createKeyInput), defaultValues: DEFAULTS });
  const { errors, isSubmitting } = form.formState;

  const openAdvancedIfNeeded = (fieldErrors: FieldErrors<FormInput>) => {
    if (advanced.current && ADVANCED_FIELDS.some((f) => fieldErrors[f])) advanced.current.open = true;
  };

  const close = (next: boolean) => {
    onOpenChange(next);
    if (!next) {
      form.reset(DEFAULTS);
      setFormError(null);
      setCreated(null);
      // Drop the response (and the secret in it) from the mutation's memory too.
      create.reset();
    }
  };

  const onValid = async (values: FormOutput) => {
    setFormError(null);
    try {
      const { key, secret } = await create.mutateAsync({ teamId, ...values });
      setCreated({ name: key.name, secret });
      toast.success(`Created key ${key.name}`);
      await queryClient.invalidateQueries(trpc.keys.pathFilter());
    } catch (error) {
      setFormError(applyServerError(error, form.setError, FIELDS));
      openAdvancedIfNeeded(form.formState.errors);
    }
  };

  // Built per submit, inside the event: the advanced section (a ref) opens to show its errors.
  const onSubmit = (event: React.FormEvent<HTMLFormElement>) => form.handleSubmit(onValid, openAdvancedIfNeeded)(event);

  return (
    <Dialog
      open={open}
      onOpenChange={close}
      dismissible={!created}
      title={created ? "Key created" : "Create API key"}
      description={
        created
          ? `Copy the secret of “${created.name}” now and keep it in your secret store.`
          : "A key lets your code call the API on behalf of this team, with the scopes and limits you choose."
      }
      className="max-h-[calc(100dvh-2rem)] overflow-y-auto sm:max-w-lg"
    >
      {created ? (
        <SecretReveal secret={created.secret} onDone={() => close(false)} />
      ) : (
        <Form onSubmit={onSubmit} noValidate className="space-y-5">
          <FormError>{formError}</FormError>
          <TextField
            label="Name"
            autoFocus
            autoComplete="off"
            placeholder="Production backend"
            hint="Something that tells you where the key is used."
            error={errors.name?.message}
            {...form.register("name")}
          />

          <fieldset className="space-y-2" aria-describedby={errors.scopes ? `${scopesId}-error` : undefined}>
            <legend className="text-sm font-medium text-zinc-800 dark:text-zinc-200">Scopes</legend>
            <div className="space-y-2.5 pt-1">
              {API_KEY_SCOPES.map((scope) => (
                <CheckboxField
                  key={scope}
                  id={`${scopesId}-${scope}`}
                  value={scope}
                  label={API_KEY_SCOPE_LABELS[scope]}
                  description={API_KEY_SCOPE_DESCRIPTIONS[scope]}
                  {...form.register("scopes")}
                />
              ))}
            </div>
            {errors.scopes && (
              <p id={`${scopesId}-error`} className="text-sm text-red-600 dark:text-red-400">
                {errors.scopes.message ?? errors.scopes.root?.message}
              </p>
            )}
          </fieldset>

          <SelectField
            label="Expires"
            options={EXPIRY_OPTIONS}
            hint="An expired key stops working; you can always revoke a key sooner."
            error={errors.expiresInDays?.message}
            {...form.register("expiresInDays")}
          />

          <details ref={advanced} className="group rounded-md border border-zinc-200 dark:border-zinc-800">
            <summary className="flex cursor-pointer list-none items-center gap-2 px-3 py-2.5 text-sm font-medium select-none [&::-webkit-details-marker]:hidden">
              <ChevronRight className="h-4 w-4 text-zinc-400 transition-transform group-open:rotate-90" aria-hidden />
              Advanced limits
              <span className="ml-auto text-xs font-normal text-zinc-500 dark:text-zinc-400">Optional</span>
            </summary>
            <div className="space-y-4 border-t border-zinc-200 px-3 py-4 dark:border-zinc-800">
              <TextField
                label="Allowed models"
                autoComplete="off"
                placeholder="Every model"
                hint="Model ids, separated by commas. Leave empty to allow every model."
                error={errors.modelAllowlist?.message}
                {...form.register("modelAllowlist")}
              />
              <div className="grid gap-4 sm:grid-cols-2">
                <TextField
                  label="Requests per minute"
                  inputMode="numeric"
                  autoComplete="off"
                  placeholder="No limit"
                  error={errors.requestsPerMinute?.message}
                  {...form.register("requestsPerMinute")}
                />
                <TextField
                  label="Tokens per minute"
                  inputMode="numeric"
                  autoComplete="off"
                  placeholder="No limit"
                  error={errors.tokensPerMinute?.message}
                  {...form.register("tokensPerMinute")}
                />
              </div>
              <TextField
                label="Monthly spend limit (USD)"
                prefix="$"
                inputMode="decimal"
                autoComplete="off"
                placeholder="No limit"
                hint="Requests are refused once this key has spent this much in a calendar month (UTC)."
                error={errors.monthlySpendLimitUsd?.message}
                {...form.register("monthlySpendLimitUsd")}
              />
            </div>
          </details>

          <div className="flex justify-end gap-3 pt-1">
            <Button type="button" variant="secondary" onClick={() => close(false)}>
              Cancel
            </Button>
            <Button type="submit" pending={isSubmitting}>
              Create key
            </Button>
          </div>
        </Form>
      )}
    </Dialog>
  );
}
