"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { useForm } from "react-hook-form";
import { toast } from "sonner";
import { applyServerError } from "@/components/forms/server-errors";
import { useTRPC } from "@/components/trpc/client";
import { Button } from "@/components/ui/button";
import { Dialog } from "@/components/ui/dialog";
import { FormError, TextField } from "@/components/ui/field";
import { Form } from "@/components/ui/form";
import { createTeamInput, slugify, type CreateTeamInput } from "@/server/services/teams/schemas";

export function CreateTeamDialog({ open, onOpenChange }: { open: boolean; onOpenChange: (open: boolean) => void }) {
  const router = useRouter();
  const trpc = useTRPC();
  const create = useMutation(trpc.team.create.mutationOptions());
  const [formError, setFormError] = useState<string | null>(null);
  const [slugEdited, setSlugEdited] = useState(false);
  const form = useForm<CreateTeamInput>({ resolver: zodResolver(createTeamInput), defaultValues: { name: "", slug: "" } });
  const { errors, isSubmitting } = form.formState;

  const nameField = form.register("name", {
    onChange: (e: React.ChangeEvent<HTMLInputElement>) => {
      if (!slugEdited) form.setValue("slug", e.target.value.trim() ? slugify(e.target.value) : "");
    },
  });
  const slugField = form.register("slug", { onChange: () => setSlugEdited(true) });

  const close = (next: boolean) => {
    onOpenChange(next);
    if (!next) {
      form.reset();
      setSlugEdited(false);
      setFormError(null);
    }
  };

  const onSubmit = form.handleSubmit(async (values) => {
    setFormError(null);
    try {
      const team = await create.mutateAsync(values);
      toast.success(`Created ${team.name}`);
      close(false);
      router.push(`/${team.slug}`);
      router.refresh();
    } catch (error) {
      setFormError(applyServerError(error, form.setError, ["name", "slug"]));
    }
  });

  return (
    <Dialog
      open={open}
      onOpenChange={close}
      title="Create a team"
      description="A team has its own members, keys, instances and bill. You will be its owner."
    >
      <Form onSubmit={onSubmit} noValidate className="space-y-4">
        <FormError>{formError}</FormError>
        <TextField label="Team name" autoFocus placeholder="Acme Research" error={errors.name?.message} {...nameField} />
        <TextField
          label="Team URL"
          prefix="/"
          placeholder="acme-research"
          hint="Lowercase letters, digits and hyphens."
          error={errors.slug?.message}
          {...slugField}
        />
        <div className="flex justify-end gap-3 pt-2">
          <Button type="button" variant="secondary" onClick={() => close(false)}>
            Cancel
          </Button>
          <Button type="submit" pending={isSubmitting}>
            Create team
          </Button>
        </div>
      </Form>
    </Dialog>
  );
}
