import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { safeCallbackUrl } from "@/components/auth/callback-url";
import { SignInForm } from "@/components/auth/sign-in-form";
import { currentUserId, oauthProviders } from "@/server/auth/config";
import { getDb } from "@/server/db";
import { invitedEmailForPath } from "@/server/services/teams/invitations";

export const metadata: Metadata = { title: "Sign in" };

export default async function SignInPage({ searchParams }: PageProps<"/sign-in">) {
  const params = await searchParams;
  const callbackUrl = safeCallbackUrl(params.callbackUrl);
  if (await currentUserId()) redirect(callbackUrl ?? "/");
  const invitedEmail = await invitedEmailForPath(await getDb(), callbackUrl, new Date());
  return (
    <>
      <h1 className="mb-1 text-xl font-semibold">Sign in</h1>
      <p className="mb-6 text-sm text-zinc-500 dark:text-zinc-400">Welcome back. Sign in to your console.</p>
      <SignInForm providers={oauthProviders()} callbackUrl={callbackUrl} email={invitedEmail} />
    </>
  );
}
