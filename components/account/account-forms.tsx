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
import { Card, CardBody, CardFooter, CardHeader } from "@/components/ui/card";
import { CheckboxField, FormError, TextField } from "@/components/ui/field";
import { Form } from "@/components/ui/form";
import { PASSWORD_MIN_LENGTH } from "@/server/services/auth/schemas";
import type { MailPreferences } from "@/server/services/users/mail-preferences";
import {
  changePasswordInput,
  updateProfileInput,
  type ChangePasswordInput,
  type MailPreferencesInput,
  type UpdateProfileInput,
} from "@/server/services/users/schemas";

export function ProfileForm({ name, email }: { name: string; email: string }) {
  const router = useRouter();
  const trpc = useTRPC();
  const update = useMutation(trpc.user.updateProfile.mutationOptions());
  const [formError, setFormError] = useState<string | null>(null);
  const form = useForm<UpdateProfileInput>({ resolver: zodResolver(updateProfileInput), values: { name } });
  const { errors, isSubmitting, isDirty } = form.formState;

  const onSubmit = form.handleSubmit(async (values) => {
    setFormError(null);
    try {
      await update.mutateAsync(values);
      toast.success("Profile saved");
      router.refresh();
    } catch (error) {
      setFormError(applyServerError(error, form.setError, ["name"]));
    }
  });

  return (
    <Card>
      <Form onSubmit={onSubmit} noValidate>
        <CardHeader title="Your details" description="Your name is shown to the members of your teams." />
        <CardBody className="space-y-4">
          <FormError>{formError}</FormError>
          <TextField label="Name" autoComplete="name" error={errors.name?.message} {...form.register("name")} />
          <TextField label="Email" value={email} disabled readOnly hint="Your email is how you sign in." />
        </CardBody>
        <CardFooter>
          <Button type="submit" pending={isSubmitting} disabled={!isDirty}>
            Save profile
          </Button>
        </CardFooter>
      </Form>
    </Card>
  );
}

export function ChangePasswordForm({ hasPassword }: { hasPassword: boolean }) {
  const trpc = useTRPC();
  const change = useMutation(trpc.user.changePassword.mutationOptions());
  const [formError, setFormError] = useState<string | null>(null);
  const form = useForm<ChangePasswordInput>({
    resolver: zodResolver(changePasswordInput),
    defaultValues: { currentPassword: "", newPassword: "" },
  });
  const { errors, isSubmitting } = form.formState;

  const onSubmit = form.handleSubmit(async (values) => {
    setFormError(null);
    try {
      await change.mutateAsync(values);
      toast.success(hasPassword ? "Password changed. Your other sessions are signed out." : "Password set");
      form.reset();
    } catch (error) {
      setFormError(applyServerError(error, form.setError, ["currentPassword", "newPassword"]));
    }
  });

  return (
    <Card>
      <Form onSubmit={onSubmit} noValidate>
        <CardHeader
          title={hasPassword ? "Change password" : "Set a password"}
          description={
            hasPassword
              ? "Changing it signs you out on every other device and browser; this one stays signed in."
              : "You sign in with GitHub or Google; a password lets you sign in with your email too."
          }
        />
        <CardBody className="space-y-4">
          <FormError>{formError}</FormError>
          {hasPassword && (
            <TextField
              label="Current password"
              type="password"
              autoComplete="current-password"
              error={errors.currentPassword?.message}
              {...form.register("currentPassword")}
            />
          )}
          <TextField
            label="New password"
            type="password"
            autoComplete="new-password"
            hint={`At least ${PASSWORD_MIN_LENGTH} characters.`}
            error={errors.newPassword?.message}
            {...form.register("newPassword")}
          />
        </CardBody>
        <CardFooter>
          <Button type="submit" pending={isSubmitting}>
            {hasPassword ? "Change password" : "Set password"}
          </Button>
        </CardFooter>
      </Form>
    </Card>
  );
}

/** Which team notifications also come by mail; every kind always shows under the bell. */
export function MailPreferencesForm({ email, preferences }: { email: string; preferences: MailPreferences }) {
  const router = useRouter();
  const trpc = useTRPC();
  const save = useMutation(trpc.user.setMailPreferences.mutationOptions());
  const [formError, setFormError] = useState<string | null>(null);
  const saved = preferences.kinds.filter((k) => k.mailed).map((k) => k.kind);
  const form = useForm<MailPreferencesInput>({ values: { mailed: saved } });
  const { isSubmitting, isDirty } = form.formState;

  const onSubmit = form.handleSubmit(async (values) => {
    setFormError(null);
    try {
      await save.mutateAsync(values);
      toast.success("Mail preferences saved");
      router.refresh();
    } catch (error) {
      setFormError(applyServerError(error, form.setError, []));
    }
  });

  return (
    <Card>
      <Form onSubmit={onSubmit} noValidate>
        <CardHeader
          title="Notifications by mail"
          description={`Team notifications always appear under the bell in the console. Choose which also go to ${email}, for every team you belong to.`}
        />
        <CardBody className="space-y-3">
          <FormError>{formError}</FormError>
          {preferences.kinds.map(({ kind, label, description }) => (
            <CheckboxField key={kind} id={`mail-${kind}`} value={kind} label={label} description={description} {...form.register("mailed")} />
          ))}
        </CardBody>
        <CardFooter>
          <Button type="submit" pending={isSubmitting} disabled={!isDirty}>
            Save preferences
          </Button>
        </CardFooter>
      </Form>
    </Card>
  );
}
