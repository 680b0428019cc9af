import type { Metadata } from "next";
import { ResetLinkExpired, ResetPasswordForm } from "@/components/auth/reset-password-form";
import { getDb } from "@/server/db";
import { isPasswordResetTokenUsable } from "@/server/services/auth/password-reset";

export const metadata: Metadata = { title: "Choose a new password" };
// Whether the link still works is a question for every visit, never for a cache.
export const dynamic = "force-dynamic";

export default async function ResetPasswordPage({ params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  // Only a look: the link is used up when the new password is set, not when the page is opened
  // (mail scanners open links too).
  if (!(await isPasswordResetTokenUsable(await getDb(), token, new Date()))) return <ResetLinkExpired />;
  return <ResetPasswordForm token={token} />;
}
