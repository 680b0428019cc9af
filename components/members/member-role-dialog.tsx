"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { useForm, useWatch } from "react-hook-form";
import { toast } from "sonner";
import { z } from "zod";
import { applyServerError } from "@/components/forms/server-errors";
import { useTRPC } from "@/components/trpc/client";
import { Button } from "@/components/ui/button";
import { Dialog } from "@/components/ui/dialog";
import { FormError, SelectField } from "@/components/ui/field";
import { Form } from "@/components/ui/form";
import { ROLE_LABELS, ROLES, type Role } from "@/server/services/teams/permissions";
import { ROLE_SUMMARIES } from "./invite-member-dialog";
import { grantableRoles } from "./member-rules";

const formSchema = z.object({ role: z.enum(ROLES, { error: "Choose a role." }) });
type FormValues = z.infer<typeof formSchema>;

export interface MemberRef {
  userId: string;
  name: string;
  email: string;
  role: Role;
  isYou: boolean;
}

/** Picks a new role for a member, among the roles the caller may give. */
export function ChangeRoleDialog({
  teamId,
  callerRole,
  member,
  onClose,
}: {
  teamId: string;
  callerRole: Role;
  member: MemberRef;
  onClose: () => void;
}) {
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const change = useMutation(trpc.members.changeRole.mutationOptions());
  const [formError, setFormError] = useState<string | null>(null);
  const form = useForm<FormValues>({ resolver: zodResolver(formSchema), defaultValues: { role: member.role } });
  const { errors, isSubmitting } = form.formState;
  const chosen = useWatch({ control: form.control, name: "role" });
  const options = grantableRoles(callerRole).map((role) => ({ value: role, label: ROLE_LABELS[role] }));

  const onSubmit = form.handleSubmit(async ({ role }) => {
    setFormError(null);
    try {
      await change.mutateAsync({ teamId, memberId: member.userId, role });
      toast.success(member.isYou ? `You are now ${ROLE_LABELS[role]}` : `${member.name} is now ${ROLE_LABELS[role]}`);
      await queryClient.invalidateQueries(trpc.members.pathFilter());
      onClose();
      // Changing one's own role changes what this page, and the console around it, may show.
      if (member.isYou) router.refresh();
    } catch (error) {
      setFormError(applyServerError(error, form.setError, ["role"]));
    }
  });

  return (
    <Dialog
      open
      onOpenChange={(open) => !open && onClose()}
      title={member.isYou ? "Change your role" : `Change ${member.name}'s role`}
      description={<>{member.email}</>}
    >
      <Form onSubmit={onSubmit} noValidate className="space-y-5">
        <FormError>{formError}</FormError>
        <SelectField
          label="Role"
          options={options}
          error={errors.role?.message}
          hint={
            <>
              {ROLE_SUMMARIES[chosen]}
              {callerRole !== "owner" && " You can give roles up to your own."}
            </>
          }
          {...form.register("role")}
        />
        {member.isYou && chosen !== member.role && (
          <p className="rounded-md border border-amber-200 bg-amber-50 px-3 py-2 text-sm text-amber-800 dark:border-amber-900 dark:bg-amber-950/50 dark:text-amber-300">
            You are changing your own role. Only someone with a higher role can give it back.
          </p>
        )}
        <div className="flex justify-end gap-3">
          <Button type="button" variant="secondary" onClick={onClose}>
            Cancel
          </Button>
          <Button type="submit" pending={isSubmitting} disabled={chosen === member.role}>
            Change role
          </Button>
        </div>
      </Form>
    </Dialog>
  );
}
