import type { Metadata } from "next";
import { VerifyEmailToken } from "@/components/auth/verify-email-token";
import { currentUserId } from "@/server/auth/config";

export const metadata: Metadata = { title: "Confirm your email" };

export default async function VerifyEmailTokenPage({ params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  return <VerifyEmailToken token={token} signedIn={(await currentUserId()) !== null} />;
}
