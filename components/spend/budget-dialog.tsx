"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useForm, useWatch } from "react-hook-form";
import { toast } from "sonner";
import type { z } from "zod";
import { applyServerError } from "@/components/forms/server-errors";
import { useTRPC } from "@/components/trpc/client";
import { Button } from "@/components/ui/button";
import { Dialog } from "@/components/ui/dialog";
import { FormError, TextField } from "@/components/ui/field";
import { Form } from "@/components/ui/form";
import { nanoToUsd } from "@/server/services/compute/capacity/catalog";
import { DEFAULT_ALERT_THRESHOLDS, setBudgetInput } from "@/server/services/budgets/schemas";
import type { Budget } from "@/server/services/budgets/budgets";

/** The thresholds field holds text such as "50, 80, 100", which the schema turns into a list. */
type FormInput = z.input<typeof setBudgetInput>;
type FormOutput = z.output<typeof setBudgetInput>;

const FIELDS = ["amountUsd", "alertThresholds", "stopInstancesAtCap"] as const;

function defaults(budget: Budget | null): FormInput {
  return {
    amountUsd: budget ? nanoToUsd(budget.amountNano) : "",
    alertThresholds: (budget?.alertThresholds ?? DEFAULT_ALERT_THRESHOLDS).join(", "),
    hardCap: budget?.hardCap ?? false,
    stopInstancesAtCap: budget?.stopInstancesAtCap ?? false,
  };
}

export function BudgetDialog({
  teamId,
  budget,
  open,
  onOpenChange,
}: {
  teamId: string;
  budget: Budget | null;
  open: boolean;
  onOpenChange: (open: boolean) => void;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const save = useMutation(trpc.budgets.set.mutationOptions());
  const remove = useMutation(trpc.budgets.remove.mutationOptions());
  const [formError, setFormError] = useState<string | null>(null);
  const form = useForm<FormInput, unknown, FormOutput>({
    resolver: zodResolver(setBudgetInput),
    values: defaults(budget),
  });
  const { errors, isSubmitting } = form.formState;
  const hardCap = useWatch({ control: form.control, name: "hardCap" });

  const close = (next: boolean) => {
    onOpenChange(next);
    if (!next) {
      form.reset(defaults(budget));
      setFormError(null);
    }
  };

  const refresh = () => queryClient.invalidateQueries(trpc.budgets.pathFilter());

  const onValid = async (values: FormOutput) => {
    setFormError(null);
    try {
      await save.mutateAsync({ teamId, ...values, stopInstancesAtCap: values.hardCap && values.stopInstancesAtCap });
      toast.success("Budget saved");
      await refresh();
      close(false);
    } catch (error) {
      setFormError(applyServerError(error, form.setError, FIELDS));
    }
  };

  const onRemove = async () => {
    setFormError(null);
    try {
      await remove.mutateAsync({ teamId });
      toast.success("Budget removed");
      await refresh();
      close(false);
    } catch (error) {
      setFormError(applyServerError(error, form.setError, FIELDS));
    }
  };

  const thresholdError = errors.alertThresholds?.message ?? (errors.alertThresholds as unknown as Array<{ message?: string }> | undefined)?.find?.((e) => e?.message)?.message;

  return (
    <Dialog
      open={open}
      onOpenChange={close}
      title={budget ? "Edit monthly budget" : "Set a monthly budget"}
      description="For the UTC calendar month. Every change is recorded in the audit log."
      className="max-h-[calc(100dvh-2rem)] overflow-y-auto sm:max-w-lg"
    >
      <Form onSubmit={form.handleSubmit(onValid)} noValidate className="space-y-5">
        <FormError>{formError}</FormError>
        <TextField
          label="Budget per month"
          prefix="$"
          inputMode="decimal"
          autoComplete="off"
          autoFocus
          placeholder="500"
          error={errors.amountUsd?.message}
          {...form.register("amountUsd")}
        />
        <TextField
          label="Alert at (% of budget)"
          autoComplete="off"
          placeholder="50, 80, 100"
          hint="Owners, admins and billing members get a notification as spend crosses each one, once a month."
          error={thresholdError}
          {...form.register("alertThresholds")}
        />
        <fieldset className="space-y-3">
          <legend className="text-sm font-medium text-zinc-800 dark:text-zinc-200">At 100%</legend>
          <label className="flex items-start gap-2.5 text-sm">
            <input type="checkbox" className="mt-0.5 accent-indigo-600" {...form.register("hardCap")} />
            <span>
              <span className="font-medium text-zinc-900 dark:text-zinc-100">Hard cap: refuse new spend</span>
              <span className="block text-zinc-600 dark:text-zinc-400">
                API requests get 429 <code className="font-mono">insufficient_quota</code>; launches and reservations are refused. Requests in
                flight hold their maximum cost, so spend never passes the cap.
              </span>
            </span>
          </label>
          <label className="flex items-start gap-2.5 text-sm">
            <input type="checkbox" className="mt-0.5 accent-indigo-600 disabled:opacity-50" disabled={!hardCap} {...form.register("stopInstancesAtCap")} />
            <span className={hardCap ? undefined : "opacity-60"}>
              <span className="font-medium text-zinc-900 dark:text-zinc-100">Also stop on-demand instances</span>
              <span className="block text-zinc-600 dark:text-zinc-400">
                Otherwise running instances keep running (and billing) past the cap. Instances in a reservation are prepaid and keep running.
              </span>
              {errors.stopInstancesAtCap?.message && <span className="block text-red-600 dark:text-red-400">{errors.stopInstancesAtCap.message}</span>}
            </span>
          </label>
        </fieldset>
        <div className="flex flex-wrap items-center justify-between gap-3 pt-1">
          {budget ? (
            <Button type="button" variant="ghost" onClick={onRemove} pending={remove.isPending} className="text-red-700 dark:text-red-400">
              Remove budget
            </Button>
          ) : (
            <span />
          )}
          <div className="flex gap-3">
            <Button type="button" variant="secondary" onClick={() => close(false)}>
              Cancel
            </Button>
            <Button type="submit" pending={isSubmitting}>
              Save budget
            </Button>
          </div>
        </div>
      </Form>
    </Dialog>
  );
}
