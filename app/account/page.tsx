import type { Metadata } from "next";
import { ChangePasswordForm, MailPreferencesForm, ProfileForm } from "@/components/account/account-forms";
import { PageHeader } from "@/components/ui/page-header";
import { requirePageContext, requireProfile } from "@/server/auth/page-session";
import { getMailPreferences } from "@/server/services/users/mail-preferences";

export const metadata: Metadata = { title: "Profile" };

export default async function AccountPage() {
  const profile = await requireProfile();
  const preferences = await getMailPreferences(await requirePageContext());
  return (
    <>
      <PageHeader title="Profile" description={`Signed in as ${profile.email}`} />
      <div className="space-y-6">
        <ProfileForm name={profile.name} email={profile.email} />
        <ChangePasswordForm hasPassword={profile.hasPassword} />
        <MailPreferencesForm email={profile.email} preferences={preferences} />
      </div>
    </>
  );
}
