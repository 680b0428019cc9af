import { CircleAlert, MailCheck } from "lucide-react";
import type { Metadata } from "next";
import Link from "next/link";
import type { ReactNode } from "react";
import { AuthFrame } from "@/components/auth/auth-frame";
import { JoinTeamButton, SignOutAndReturnButton } from "@/components/members/invite-actions";
import { Button } from "@/components/ui/button";
import { Fact } from "@/components/ui/fact";
import { optionalProfile } from "@/server/auth/page-session";
import { getDb } from "@/server/db";
import { systemClock } from "@/server/services/context";
import { invitationPath } from "@/server/services/teams/invitation-schemas";
import { previewInvitation, type InvitationPreview } from "@/server/services/teams/invitations";
import { ROLE_LABELS } from "@/server/services/teams/permissions";

// The token is the secret: never send it on to another site in a Referer header.
export const metadata: Metadata = { title: "Invitation", referrer: "no-referrer", robots: { index: false } };

/**
 * Where an invitation link lands, with or without a session: what the invitation is, and the one
 * next step for whoever holds it (create an account, sign in, join, or sign out of the wrong one).
 */
export default async function InvitePage({ params }: PageProps<"/invite/[token]">) {
  const { token } = await params;
  const [preview, email] = await Promise.all([previewInvitation(await getDb(), token, systemClock()), optionalProfile().then((profile) => profile?.email ?? null)]);
  const signedIn = email !== null;

  if (!preview) {
    return (
      <Unusable title="This invitation link is not valid" signedIn={signedIn}>
        Check that you opened the whole link from the mail. If the invitation was sent again, only the link in the
        latest mail works. Otherwise, ask a team admin to invite you again.
      </Unusable>
    );
  }
  if (preview.status !== "pending") {
    const who = preview.inviterName ?? "a team admin";
    const text = {
      expired: { title: "This invitation has expired", body: `Invitation links work for 7 days. Ask ${who} to resend it.` },
      revoked: { title: "This invitation was revoked", body: `Ask ${who} for a new invitation if you still need to join ${preview.teamName}.` },
      accepted: { title: "This invitation has already been used", body: `Each invitation link works once. If you joined ${preview.teamName}, find it in the console's team switcher.` },
    }[preview.status];
    return (
      <Unusable title={text.title} signedIn={signedIn}>
        {text.body}
      </Unusable>
    );
  }

  const returnTo = invitationPath(token);
  const back = encodeURIComponent(returnTo);
  const isInvitee = email !== null && email.toLowerCase() === preview.email.toLowerCase();
  return (
    <AuthFrame wide>
      <span className="inline-flex h-10 w-10 items-center justify-center rounded-full bg-indigo-50 text-indigo-600 dark:bg-indigo-950/60 dark:text-indigo-300">
        <MailCheck className="h-5 w-5" aria-hidden />
      </span>
      <h1 className="mt-4 text-xl font-semibold [overflow-wrap:anywhere]">Join {preview.teamName}</h1>
      <p className="mt-1 text-sm text-zinc-500 dark:text-zinc-400">
        {preview.inviterName ?? "A team admin"} invited you to this team on Compute Console.
      </p>
      <InvitationFacts preview={preview} />

      {isInvitee ? (
        <JoinTeamButton token={token} teamName={preview.teamName} />
      ) : signedIn ? (
        <div className="space-y-4">
          <div role="alert" className="flex gap-2.5 rounded-md border border-amber-200 bg-amber-50 px-3 py-2.5 text-sm text-amber-900 dark:border-amber-900/60 dark:bg-amber-950/40 dark:text-amber-200">
            <CircleAlert className="mt-0.5 h-4 w-4 shrink-0" aria-hidden />
            <p className="[overflow-wrap:anywhere]">
              This invitation was sent to <strong className="font-semibold">{preview.email}</strong>. You are signed in as{" "}
              <strong className="font-semibold">{email}</strong>: sign out, then sign in or sign up as {preview.email}.
            </p>
          </div>
          <SignOutAndReturnButton returnTo={returnTo} />
        </div>
      ) : (
        <div className="space-y-3">
          <Button asChild size="lg" className="w-full">
            <Link href={`/sign-up?callbackUrl=${back}`}>Create an account</Link>
          </Button>
          <Button asChild variant="secondary" size="lg" className="w-full">
            <Link href={`/sign-in?callbackUrl=${back}`}>Sign in</Link>
          </Button>
          <p className="text-center text-xs text-zinc-500 dark:text-zinc-400">
            New here? Create an account with {preview.email}. Already have one? Sign in with it.
          </p>
        </div>
      )}
    </AuthFrame>
  );
}

function InvitationFacts({ preview }: { preview: InvitationPreview }) {
  return (
    <dl className="my-6 grid grid-cols-2 gap-x-4 gap-y-3 rounded-lg border border-zinc-200 bg-zinc-50 px-4 py-3 dark:border-zinc-800 dark:bg-zinc-950/40">
      <Fact label="Team">{preview.teamName}</Fact>
      <Fact label="Role">{ROLE_LABELS[preview.role]}</Fact>
      <Fact label="Invited by">{preview.inviterName ?? "A former member"}</Fact>
      {/* A whole row: addresses are long, and this is the one the person must sign in with. */}
      <div className="col-span-2 min-w-0">
        <dt className="text-xs text-zinc-500 dark:text-zinc-400">Sent to</dt>
        <dd className="mt-0.5 text-sm font-medium [overflow-wrap:anywhere]">{preview.email}</dd>
      </div>
    </dl>
  );
}

function Unusable({ title, signedIn, children }: { title: string; signedIn: boolean; children: ReactNode }) {
  return (
    <AuthFrame wide>
      <span className="inline-flex h-10 w-10 items-center justify-center rounded-full bg-zinc-100 text-zinc-500 dark:bg-zinc-800 dark:text-zinc-400">
        <CircleAlert className="h-5 w-5" aria-hidden />
      </span>
      <h1 className="mt-4 text-xl font-semibold">{title}</h1>
      <p className="mt-2 text-sm text-zinc-600 dark:text-zinc-400">{children}</p>
      <Button asChild variant="secondary" className="mt-6 w-full">
        <Link href={signedIn ? "/" : "/sign-in"}>{signedIn ? "Go to the console" : "Sign in to the console"}</Link>
      </Button>
    </AuthFrame>
  );
}
