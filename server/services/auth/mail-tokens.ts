import { createHash, randomBytes } from "node:crypto";

/**
 * Tokens that travel in mailed links (invitations, password resets, email confirmations): 32
 * random bytes, base64url. Only their SHA-256 is stored, so a copy of the database opens nothing.
 */
export function newMailToken(): { token: string; hash: string } {
  const token = randomBytes(32).toString("base64url");
  return { token, hash: hashMailToken(token) };
}

export function hashMailToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

/** Whether `token` has the shape newMailToken makes; anything else is refused before a query. */
export function isMailTokenShaped(token: string): boolean {
  return /^[A-Za-z0-9_-]{43}$/.test(token);
}
