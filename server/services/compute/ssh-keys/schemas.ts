import { z } from "zod";
import type { SshKeyType } from "@/server/db/schema";

/**
 * Input schemas for SSH keys, shared by the service, the tRPC door and the console's form. The
 * form only checks shape here; the key itself is parsed on the server (it needs SHA-256 and the
 * wire format), and its problems come back as field errors on `publicKey`.
 */

/** As `ssh-keygen -l` names them. */
export const SSH_KEY_TYPE_LABELS: Record<SshKeyType, string> = {
  "ssh-ed25519": "ED25519",
  "ssh-rsa": "RSA",
  "ecdsa-sha2-nistp256": "ECDSA P-256",
  "ecdsa-sha2-nistp384": "ECDSA P-384",
  "ecdsa-sha2-nistp521": "ECDSA P-521",
};

export const MAX_SSH_KEY_NAME_LENGTH = 64;
/** A 16384-bit RSA key with a long comment is under 3,000 characters; anything much longer is not a public key. */
export const MAX_SSH_PUBLIC_KEY_LENGTH = 16_384;

export const sshKeyNameSchema = z
  .string({ error: "Enter a name for the key." })
  .trim()
  .min(1, "Enter a name for the key.")
  .max(MAX_SSH_KEY_NAME_LENGTH, `Use at most ${MAX_SSH_KEY_NAME_LENGTH} characters.`);

export const addSshKeyInput = z.object({
  name: sshKeyNameSchema,
  publicKey: z
    .string({ error: "Paste the public key." })
    .trim()
    .min(1, "Paste the public key: the contents of a .pub file, e.g. ~/.ssh/id_ed25519.pub.")
    .max(MAX_SSH_PUBLIC_KEY_LENGTH, "This is far longer than any public key. Paste only the contents of the .pub file."),
});
export type AddSshKeyInput = z.input<typeof addSshKeyInput>;

export const sshKeyIdInput = z.object({ sshKeyId: z.string().min(1).max(64) });
export type SshKeyIdInput = z.input<typeof sshKeyIdInput>;

/** For the activity log: "added SSH key “laptop”". */
export const SSH_KEY_AUDIT_LABELS: Record<string, string> = {
  "ssh_key.added": "added SSH key",
  "ssh_key.deleted": "deleted SSH key",
};
