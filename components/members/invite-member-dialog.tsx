"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useForm, useWatch } from "react-hook-form";
import { applyServerError } from "@/components/forms/server-errors";
import { useTRPC } from "@/components/trpc/client";
import { Button } from "@/components/ui/button";
import { Dialog } from "@/components/ui/dialog";
import { FormError, SelectField, TextField } from "@/components/ui/field";
import { Form } from "@/components/ui/form";
import { createInvitationInput, INVITATION_TTL_DAYS, type CreateInvitationInput } from "@/server/services/teams/invitation-schemas";
import { mayGrant, ROLE_LABELS, ROLES, type Role } from "@/server/services/teams/permissions";
import { toastMailOutcome } from "./invite-mail-toast";

const FIELDS = ["email", "role"] as const;

/** What each role can do, in a line: the README's matrix, condensed for people choosing one. */
export const ROLE_SUMMARIES: Record<Role, string> = {
  owner: "Everything, including transferring ownership.",
  admin: "Everything but transferring ownership: members, settings, keys, compute and billing.",
  developer: "Models, playground, API keys, instances and capacity blocks; sees spend.",
  billing: "Spend, invoices and the budget; sees everything else.",
  viewer: "Sees the team's models, keys and compute; changes nothing.",
};

export function InviteMemberDialog({
  teamId,
  role,
  open,
  onOpenChange,
}: {
  teamId: string;
  /** The inviter's role: only roles they may grant are offered. */
  role: Role;
  open: boolean;
  onOpenChange: (open: boolean) => void;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const create = useMutation(trpc.invitations.create.mutationOptions());
  const grantable = ROLES.filter((r) => mayGrant(role, r));
  const defaultRole: Role = grantable.includes("developer") ? "developer" : grantable[0]!;
  const [formError, setFormError] = useState<string | null>(null);
  const form = useForm<CreateInvitationInput>({
    resolver: zodResolver(createInvitationInput),
    defaultValues: { email: "", role: defaultRole },
  });
  const { errors, isSubmitting } = form.formState;
  const chosen = useWatch({ control: form.control, name: "role" }) as Role;

  const close = () => {
    form.reset();
    setFormError(null);
    onOpenChange(false);
  };

  const onSubmit = form.handleSubmit(async (values) => {
    setFormError(null);
    try {
      const invitation = await create.mutateAsync({ teamId, ...values });
      toastMailOutcome(invitation, `Invitation sent to ${invitation.email}`);
      await queryClient.invalidateQueries(trpc.invitations.list.queryFilter({ teamId }));
      close();
    } catch (error) {
      setFormError(applyServerError(error, form.setError, FIELDS));
    }
  });

  return (
    <Dialog
      open={open}
      onOpenChange={(next) => (next ? onOpenChange(true) : close())}
      title="Invite a member"
      description={`We mail them a link to join this team. It works once and expires after ${INVITATION_TTL_DAYS} days.`}
    >
      <Form onSubmit={onSubmit} noValidate className="space-y-4">
        <FormError>{formError}</FormError>
        <TextField
          label="Email"
          type="email"
          autoComplete="off"
          autoFocus
          placeholder="name@example.com"
          error={errors.email?.message}
          {...form.register("email")}
        />
        <SelectField
          label="Role"
          options={grantable.map((r) => ({ value: r, label: ROLE_LABELS[r] }))}
          hint={ROLE_SUMMARIES[chosen]}
          error={errors.role?.message}
          {...form.register("role")}
        />
        <div className="flex flex-col-reverse gap-3 pt-2 sm:flex-row sm:justify-end">
          <Button type="button" variant="secondary" onClick={close}>
            Cancel
          </Button>
          <Button type="submit" pending={isSubmitting}>
            Send invitation
          </Button>
        </div>
      </Form>
    </Dialog>
  );
}
