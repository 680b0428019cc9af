import type { Metadata } from "next";
import { ForgotPasswordForm } from "@/components/auth/forgot-password-form";
import { PASSWORD_RESET_TTL_MINUTES } from "@/server/services/auth/password-reset";

export const metadata: Metadata = { title: "Reset your password" };

export default async function ForgotPasswordPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const { email } = await searchParams;
  // The sign-in form passes what was typed there; anything longer than an address is not one.
  const defaultEmail = typeof email === "string" && email.length <= 254 ? email : "";
  return <ForgotPasswordForm defaultEmail={defaultEmail} expiresInMinutes={PASSWORD_RESET_TTL_MINUTES} />;
}
