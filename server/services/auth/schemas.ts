import { z } from "zod";

export const PASSWORD_MIN_LENGTH = 12;

export const emailSchema = z
  .string()
  .trim()
  .min(1, "Enter your email address.")
  .max(254, "That email address is too long.")
  .pipe(z.email("Enter a valid email address, like name@example.com."))
  .transform((v) => v.toLowerCase());

export const passwordSchema = z
  .string()
  .min(PASSWORD_MIN_LENGTH, `Use at least ${PASSWORD_MIN_LENGTH} characters.`)
  .max(256, "Use at most 256 characters.");

export const personNameSchema = z
  .string()
  .trim()
  .min(1, "Enter your name.")
  .max(100, "Use at most 100 characters.");

export const signUpInput = z.object({
  name: personNameSchema,
  email: emailSchema,
  password: passwordSchema,
  /** The token of the invitation the person followed; its address counts as confirmed. */
  invitationToken: z.string().max(200).optional(),
});
export type SignUpInput = z.input<typeof signUpInput>;

export const signInInput = z.object({
  email: emailSchema,
  password: z.string().min(1, "Enter your password.").max(256, "Use at most 256 characters."),
});
export type SignInInput = z.input<typeof signInInput>;

/** Codes the sign-in form turns into messages at the right field. */
export const SIGN_IN_ERROR_CODES = ["unknown_email", "wrong_password", "no_password", "email_unverified", "rate_limited", "invalid"] as const;
export type SignInErrorCode = (typeof SIGN_IN_ERROR_CODES)[number];

export const SIGN_IN_MESSAGES: Record<Exclude<SignInErrorCode, "rate_limited">, string> = {
  unknown_email: "No account uses this email. Check it, or sign up.",
  wrong_password: "Wrong password. Try again.",
  no_password: "This account signs in with GitHub or Google.",
  email_unverified: "Confirm your email first: follow the link we mailed you when you signed up.",
  invalid: "Enter a valid email and password.",
};

export function rateLimitedMessage(retryAfterSeconds: number): string {
  const minutes = Math.max(1, Math.ceil(retryAfterSeconds / 60));
  return `Too many failed sign-in attempts for this email. Try again in ${minutes} minute${minutes === 1 ? "" : "s"}.`;
}

/** Malformed, unknown, expired and used mailed links all get this one answer. */
export const EXPIRED_LINK_MESSAGE = "This link has expired or was already used. Ask for a new one.";

// Tokens are checked by the services (isMailTokenShaped), so that a malformed one gets the same
// answer as an expired one; the schema only bounds the size.
const mailedTokenSchema = z.string().max(200);

/** The one field of a request for a mailed link: a password reset or a new confirmation link. */
export const mailLinkRequestInput = z.object({ email: emailSchema });
export type MailLinkRequestInput = z.input<typeof mailLinkRequestInput>;

export const requestPasswordResetInput = mailLinkRequestInput;
export type RequestPasswordResetInput = z.input<typeof requestPasswordResetInput>;

export const resetPasswordInput = z.object({ token: mailedTokenSchema, password: passwordSchema });
export type ResetPasswordInput = z.input<typeof resetPasswordInput>;

export const verifyEmailInput = z.object({ token: mailedTokenSchema });
export type VerifyEmailInput = z.input<typeof verifyEmailInput>;

export const resendVerificationInput = mailLinkRequestInput;
export type ResendVerificationInput = z.input<typeof resendVerificationInput>;
