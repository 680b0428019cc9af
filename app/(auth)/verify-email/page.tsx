import type { Metadata } from "next";
import { VerifyEmailNotice } from "@/components/auth/verify-email-notice";
import { EMAIL_VERIFICATION_TTL_HOURS } from "@/server/services/auth/email-verification";

export const metadata: Metadata = { title: "Confirm your email" };

export default async function VerifyEmailPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const { email } = await searchParams;
  const address = typeof email === "string" && email.includes("@") && email.length <= 254 ? email : null;
  return <VerifyEmailNotice email={address} expiresInMinutes={EMAIL_VERIFICATION_TTL_HOURS * 60} />;
}
