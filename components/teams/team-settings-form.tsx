"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { useForm } from "react-hook-form";
import { toast } from "sonner";
import { z } from "zod";
import { applyServerError } from "@/components/forms/server-errors";
import { useTRPC } from "@/components/trpc/client";
import { Button } from "@/components/ui/button";
import { Card, CardBody, CardFooter, CardHeader } from "@/components/ui/card";
import { FormError, TextField } from "@/components/ui/field";
import { Form } from "@/components/ui/form";
import { slugSchema, teamNameSchema } from "@/server/services/teams/schemas";

const formSchema = z.object({ name: teamNameSchema, slug: slugSchema });
type FormValues = z.input<typeof formSchema>;

export function TeamSettingsForm({
  team,
  canEdit,
}: {
  team: { id: string; name: string; slug: string };
  canEdit: boolean;
}) {
  const router = useRouter();
  const trpc = useTRPC();
  const update = useMutation(trpc.team.update.mutationOptions());
  const [formError, setFormError] = useState<string | null>(null);
  const form = useForm<FormValues>({
    resolver: zodResolver(formSchema),
    values: { name: team.name, slug: team.slug },
  });
  const { errors, isSubmitting, isDirty } = form.formState;

  const onSubmit = form.handleSubmit(async (values) => {
    setFormError(null);
    try {
      const updated = await update.mutateAsync({ teamId: team.id, name: values.name, slug: values.slug });
      toast.success("Team settings saved");
      if (updated.slug !== team.slug) router.replace(`/${updated.slug}/settings`);
      router.refresh();
    } catch (error) {
      setFormError(applyServerError(error, form.setError, ["name", "slug"]));
    }
  });

  return (
    <Card>
      <Form onSubmit={onSubmit} noValidate>
        <CardHeader
          title="General"
          description={canEdit ? undefined : "Only owners and admins can change these settings."}
        />
        <CardBody className="space-y-4">
          <FormError>{formError}</FormError>
          <TextField label="Team name" disabled={!canEdit} error={errors.name?.message} {...form.register("name")} />
          <TextField
            label="Team URL"
            prefix="/"
            disabled={!canEdit}
            hint="Changing it moves the console to the new address; old links stop working."
            error={errors.slug?.message}
            {...form.register("slug")}
          />
        </CardBody>
        {canEdit && (
          <CardFooter>
            <Button type="submit" pending={isSubmitting} disabled={!isDirty}>
              Save changes
            </Button>
          </CardFooter>
        )}
      </Form>
    </Card>
  );
}
