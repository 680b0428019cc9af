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
});
export type SignUpInput = z.input<typeof signUpInput>;

export const signInInput = z.object({
  email: emailSchema,
  password: z.string().min(1, "Enter your password.").max(256, "Use at most 256 characters."),
});
export type SignInInput = z.input<typeof signInInput>;

/** Codes the sign-in form turns into messages at the right field. */
export const SIGN_IN_ERROR_CODES = ["unknown_email", "wrong_password", "no_password", "rate_limited", "invalid"] as const;
export type SignInErrorCode = (typeof SIGN_IN_ERROR_CODES)[number];

export const SIGN_IN_MESSAGES: Record<Exclude<SignInErrorCode, "rate_limited">, string> = {
  unknown_email: "No account uses this email. Check it, or sign up.",
  wrong_password: "Wrong password. Try again.",
  no_password: "This account signs in with GitHub or Google.",
  invalid: "Enter a valid email and password.",
};

export function rateLimitedMessage(retryAfterSeconds: number): string {
  const minutes = Math.max(1, Math.ceil(retryAfterSeconds / 60));
  return `Too many failed sign-in attempts for this email. Try again in ${minutes} minute${minutes === 1 ? "" : "s"}.`;
}
