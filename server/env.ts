import { z } from "zod";
import { shiftDecimal } from "@/server/services/catalog/prices";

const optionalString = z
  .string()
  .trim()
  .transform((v) => (v === "" ? undefined : v))
  .optional();

const envSchema = z
  .object({
    NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
    DATABASE_URL: optionalString.pipe(
      z
        .string()
        .regex(/^postgres(ql)?:\/\//, "must be a postgres:// or postgresql:// URL")
        .optional(),
    ),
    DATA_DIR: optionalString.pipe(z.string().default(".data")),
    AUTH_SECRET: optionalString.pipe(z.string().min(32, "must be at least 32 characters").optional()),
    AUTH_GITHUB_ID: optionalString,
    AUTH_GITHUB_SECRET: optionalString,
    AUTH_GOOGLE_ID: optionalString,
    AUTH_GOOGLE_SECRET: optionalString,
    SIGN_IN_MAX_FAILURES: optionalString.pipe(z.coerce.number<string | undefined>().int().min(1).max(1000).default(5)),
    SIGN_IN_LOCKOUT_MINUTES: optionalString.pipe(z.coerce.number<string | undefined>().int().min(1).max(1440).default(15)),
    /** Redis for rate limits shared by several replicas; unset: limits live in each process. */
    REDIS_URL: optionalString.pipe(
      z.string().regex(/^rediss?:\/\//, "must be a redis:// or rediss:// URL").optional(),
    ),
    TEAM_REQUESTS_PER_MINUTE: optionalString.pipe(z.coerce.number<string | undefined>().int().min(1).default(600)),
    TEAM_TOKENS_PER_MINUTE: optionalString.pipe(z.coerce.number<string | undefined>().int().min(1).default(2_000_000)),
    GATEWAY_MAX_BODY_BYTES: optionalString.pipe(
      z.coerce.number<string | undefined>().int().min(1024).max(100 * 1024 * 1024).default(2 * 1024 * 1024),
    ),
    /** Output pace of the built-in local engine; 0 = as fast as the CPU allows. */
    LOCAL_ENGINE_TOKENS_PER_SECOND: optionalString.pipe(z.coerce.number<string | undefined>().min(0).max(100_000).default(50)),
    UPSTREAM_CONNECT_TIMEOUT_MS: optionalString.pipe(z.coerce.number<string | undefined>().int().min(100).default(5_000)),
    UPSTREAM_FIRST_TOKEN_TIMEOUT_MS: optionalString.pipe(z.coerce.number<string | undefined>().int().min(100).default(60_000)),
    UPSTREAM_TOTAL_TIMEOUT_MS: optionalString.pipe(z.coerce.number<string | undefined>().int().min(1_000).default(600_000)),
    /** The model catalog to seed instead of the default one (server/services/catalog). */
    CATALOG_FILE: optionalString.pipe(
      z
        .string()
        .regex(/\.(json|ya?ml)$/i, "must name a .json, .yaml or .yml file")
        .optional(),
    ),
    /** Regions, instance types and the host fleet to seed instead of the default (server/services/compute/fleet). */
    COMPUTE_CATALOG_FILE: optionalString.pipe(
      z
        .string()
        .regex(/\.(json|ya?ml)$/i, "must name a .json, .yaml or .yml file")
        .optional(),
    ),
    /** GPUs a team may hold at once per GPU model, unless its own quota says otherwise. */
    COMPUTE_DEFAULT_GPU_QUOTA: optionalString.pipe(z.coerce.number<string | undefined>().int().min(0).max(1_000_000).default(16)),
    /** The simulated driver: seconds from launch to running, and the share of launches that fail. */
    SIMULATED_BOOT_SECONDS: optionalString.pipe(z.coerce.number<string | undefined>().min(0).max(3600).default(8)),
    SIMULATED_FAILURE_RATE: optionalString.pipe(z.coerce.number<string | undefined>().min(0).max(1).default(0)),
    /** Credit every new personal team gets at sign-up, in USD exact to the nano-dollar; 0: none. */
    SIGNUP_CREDIT_USD: optionalString.pipe(z.string().default("0")).transform((text, ctx) => {
      const nano = shiftDecimal(text, 9);
      if (!nano.ok || nano.value > 1_000_000n * 1_000_000_000n) {
        ctx.addIssue({ code: "custom", message: "must be an amount in US dollars from 0 to 1000000, e.g. 25 or 12.50" });
        return z.NEVER;
      }
      return nano.value;
    }),
    /** Days until the sign-up credit expires. */
    SIGNUP_CREDIT_DAYS: optionalString.pipe(z.coerce.number<string | undefined>().int().min(1).max(3650).default(90)),
    /** "false" runs no job worker in the app process (run `npm run worker` instead). */
    WORKER_IN_PROCESS: optionalString.pipe(z.enum(["true", "false"]).default("true")),
    /** The console's public address, for the API base URL shown in examples; unset: the request's host. */
    PUBLIC_URL: optionalString.pipe(
      z
        .url({ protocol: /^https?$/, error: "must be an http:// or https:// URL, e.g. https://console.example.com" })
        .transform((url) => url.replace(/\/+$/, ""))
        .optional(),
    ),
    /** smtp://user:pass@host:port or smtps://…; unset: mails go to the database outbox (see /dev/mail). */
    SMTP_URL: optionalString.pipe(z.string().regex(/^smtps?:\/\//, "must be an smtp:// or smtps:// URL").optional()),
    /** The From header of every mail. */
    MAIL_FROM: optionalString.pipe(z.string().default("Compute Console <no-reply@localhost>")),
    /** "true": new password accounts must confirm their address through a mailed link before signing in. */
    REQUIRE_EMAIL_VERIFICATION: optionalString.pipe(z.enum(["true", "false"]).default("false")).transform((v) => v === "true"),
  })
  .superRefine((env, ctx) => {
    if (env.NODE_ENV === "production" && env.SMTP_URL && !env.PUBLIC_URL) {
      ctx.addIssue({
        code: "custom",
        path: ["PUBLIC_URL"],
        message: "is required with SMTP_URL in production: links in mails are built from it",
      });
    }
    if (env.NODE_ENV === "production" && !env.AUTH_SECRET) {
      ctx.addIssue({
        code: "custom",
        path: ["AUTH_SECRET"],
        message: "is required in production (generate one with: openssl rand -base64 32)",
      });
    }
    for (const provider of ["GITHUB", "GOOGLE"] as const) {
      const id = env[`AUTH_${provider}_ID`];
      const secret = env[`AUTH_${provider}_SECRET`];
      if (Boolean(id) !== Boolean(secret)) {
        ctx.addIssue({
          code: "custom",
          path: [id ? `AUTH_${provider}_SECRET` : `AUTH_${provider}_ID`],
          message: `must be set together with ${id ? `AUTH_${provider}_ID` : `AUTH_${provider}_SECRET`}`,
        });
      }
    }
  });

export type Env = z.infer<typeof envSchema>;

export class EnvError extends Error {}

export function parseEnv(source: Record<string, string | undefined>): Env {
  const result = envSchema.safeParse(source);
  if (!result.success) {
    const lines = result.error.issues.map((issue) => `  ${issue.path.join(".") || "(env)"} ${issue.message}`);
    throw new EnvError(`Invalid environment configuration:\n${lines.join("\n")}`);
  }
  return result.data;
}

let cached: Env | undefined;

/** The validated environment. Read lazily so that `next build` never needs runtime settings. */
export function env(): Env {
  cached ??= parseEnv(process.env);
  return cached;
}
