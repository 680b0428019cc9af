/** SSH keys a team keeps for its instances: parsing and checking OpenSSH public keys, and the team's list. */
export { MAX_RSA_BITS, MIN_RSA_BITS, parseSshPublicKey, sshFingerprint, SSH_KEY_TYPES, type ParsedSshKey, type SshKeyParseResult } from "./public-key";
export { addSshKeyInput, sshKeyIdInput, SSH_KEY_AUDIT_LABELS, SSH_KEY_TYPE_LABELS, type AddSshKeyInput, type SshKeyIdInput } from "./schemas";
export { addSshKey, deleteSshKey, getSshKeysForLaunch, listSshKeys, MAX_SSH_KEYS_PER_INSTANCE, SSH_KEY_NOT_FOUND, type SshKeyView } from "./ssh-keys";
