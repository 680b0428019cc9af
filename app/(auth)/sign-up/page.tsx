import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { safeCallbackUrl } from "@/components/auth/callback-url";
import { SignUpForm } from "@/components/auth/sign-up-form";
import { currentUserId, oauthProviders } from "@/server/auth/config";
import { getDb } from "@/server/db";
import { invitedEmailForPath } from "@/server/services/teams/invitations";

export const metadata: Metadata = { title: "Create an account" };

export default async function SignUpPage({ searchParams }: PageProps<"/sign-up">) {
  const params = await searchParams;
  const callbackUrl = safeCallbackUrl(params.callbackUrl);
  if (await currentUserId()) redirect(callbackUrl ?? "/");
  const invitedEmail = await invitedEmailForPath(await getDb(), callbackUrl, new Date());
  return (
    <>
      <h1 className="mb-1 text-xl font-semibold">Create your account</h1>
      <p className="mb-6 text-sm text-zinc-500 dark:text-zinc-400">
        You get a team of your own right away; invite others to it or create more later.
      </p>
      <SignUpForm providers={oauthProviders()} callbackUrl={callbackUrl} email={invitedEmail} />
    </>
  );
}
