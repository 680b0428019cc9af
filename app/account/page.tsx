import type { Metadata } from "next";
import { ChangePasswordForm, ProfileForm } from "@/components/account/account-forms";
import { PageHeader } from "@/components/ui/page-header";
import { requireProfile } from "@/server/auth/page-session";

export const metadata: Metadata = { title: "Profile" };

export default async function AccountPage() {
  const profile = await requireProfile();
  return (
    <>
      <PageHeader title="Profile" description={`Signed in as ${profile.email}`} />
      <div className="space-y-6">
        <ProfileForm name={profile.name} email={profile.email} />
        <ChangePasswordForm hasPassword={profile.hasPassword} />
      </div>
    </>
  );
}
