import NextAuth, { CredentialsSignin, type NextAuthConfig } from "next-auth";
import Credentials from "next-auth/providers/credentials";
import GitHub from "next-auth/providers/github";
import Google from "next-auth/providers/google";
import { getDb } from "@/server/db";
import { randomBase62 } from "@/server/db/ids";
import { env } from "@/server/env";
import { signInWithOAuth } from "@/server/services/auth/oauth";
import { sessionEnded } from "@/server/services/auth/sessions";
import { signInWithPassword, SignInRefused } from "@/server/services/auth/sign-in";
import { consoleLogger, systemClock, type ServiceContext } from "@/server/services/context";
import { authSecret } from "./secret";
import { requestInfo } from "./request-info";

class PasswordSignInError extends CredentialsSignin {
  constructor(code: string) {
    super();
    // Sent to the browser as `code`; the sign-in form turns it into a message at the right field.
    this.code = code;
  }
}

async function anonymousContext(headers: Headers): Promise<ServiceContext> {
  return {
    db: await getDb(),
    actor: { type: "anonymous" },
    request: requestInfo(headers),
    now: systemClock,
    log: consoleLogger,
  };
}

/** Which OAuth providers are configured; the sign-in page shows only these. */
export function oauthProviders(): Array<{ id: "github" | "google"; name: string }> {
  const e = env();
  return [
    ...(e.AUTH_GITHUB_ID && e.AUTH_GITHUB_SECRET ? [{ id: "github" as const, name: "GitHub" }] : []),
    ...(e.AUTH_GOOGLE_ID && e.AUTH_GOOGLE_SECRET ? [{ id: "google" as const, name: "Google" }] : []),
  ];
}

function buildConfig(): NextAuthConfig {
  const e = env();
  const providers: NextAuthConfig["providers"] = [
    Credentials({
      credentials: { email: { label: "Email" }, password: { label: "Password", type: "password" } },
      async authorize(credentials, request) {
        const ctx = await anonymousContext(request.headers);
        try {
          const user = await signInWithPassword(
            ctx,
            { email: String(credentials.email ?? ""), password: String(credentials.password ?? "") },
            {
              maxFailures: e.SIGN_IN_MAX_FAILURES,
              lockoutMinutes: e.SIGN_IN_LOCKOUT_MINUTES,
              requireEmailVerification: e.REQUIRE_EMAIL_VERIFICATION,
            },
          );
          return { id: user.id, email: user.email, name: user.name, image: user.image };
        } catch (error) {
          if (error instanceof SignInRefused) {
            const retry = error.details.retryAfterSeconds;
            throw new PasswordSignInError(retry ? `${error.reason}:${retry}` : error.reason);
          }
          throw error;
        }
      },
    }),
  ];
  if (e.AUTH_GITHUB_ID && e.AUTH_GITHUB_SECRET) {
    providers.push(GitHub({ clientId: e.AUTH_GITHUB_ID, clientSecret: e.AUTH_GITHUB_SECRET }));
  }
  if (e.AUTH_GOOGLE_ID && e.AUTH_GOOGLE_SECRET) {
    providers.push(Google({ clientId: e.AUTH_GOOGLE_ID, clientSecret: e.AUTH_GOOGLE_SECRET }));
  }

  return {
    secret: authSecret(),
    trustHost: true,
    session: { strategy: "jwt", maxAge: 30 * 24 * 60 * 60 },
    pages: { signIn: "/sign-in", error: "/sign-in" },
    providers,
    callbacks: {
      async jwt({ token, user, account, profile }) {
        if (account && (account.type === "oauth" || account.type === "oidc") && user) {
          const provider = account.provider as "github" | "google";
          const ctx = await anonymousContext(new Headers());
          token.sub = await signInWithOAuth(ctx, {
            provider,
            email: user.email,
            // GitHub only hands out an email it has verified; Google says so explicitly.
            emailVerified: provider === "github" ? true : Boolean(profile?.email_verified),
            name: user.name,
            image: user.image,
          });
        }
        if (user) {
          // When this session began, kept across the token's refreshes (unlike iat), and its name.
          token.signedInAt = Date.now();
          token.sid = randomBase62(24);
        } else if (token.sub && (await endedByPasswordChange(token.sub, sessionIdOf(token), sessionStart(token)))) {
          // A JWT cannot be revoked where it is stored; a password change or reset ends it here instead.
          return null;
        }
        return token;
      },
      session({ session, token }) {
        if (token.sub) session.user.id = token.sub;
        const sessionId = sessionIdOf(token);
        if (sessionId) session.sessionId = sessionId;
        return session;
      },
    },
    logger: {
      error(error) {
        // A refused password is an ordinary event, already audited; keep the log for real faults.
        if (error instanceof CredentialsSignin || (error as { type?: string }).type === "CredentialsSignin") return;
        consoleLogger.error("auth error", { error: String(error) });
      },
      warn(code) {
        consoleLogger.warn("auth warning", { code });
      },
    },
  };
}

async function endedByPasswordChange(userId: string, sessionId: string | null, signedInAt: Date): Promise<boolean> {
  try {
    return await sessionEnded(await getDb(), { userId, sessionId, signedInAt });
  } catch (error) {
    // Auth.js deletes the cookie of a session whose callback throws: a database hiccup must not
    // sign everyone out. Whatever the request needs from the database fails on its own.
    consoleLogger.error("could not check the session against password changes", { error: String(error) });
    return false;
  }
}

/** The session's name; null for a session from before sessions had one. */
function sessionIdOf(token: Record<string, unknown>): string | null {
  return typeof token.sid === "string" ? token.sid : null;
}

/** When the session began; a session from before `signedInAt` existed counts from its last refresh. */
function sessionStart(token: { signedInAt?: unknown; iat?: unknown }): Date {
  if (typeof token.signedInAt === "number") return new Date(token.signedInAt);
  return new Date(typeof token.iat === "number" ? token.iat * 1000 : 0);
}

export const { handlers, auth, signIn, signOut } = NextAuth(() => buildConfig());

/** The signed-in person's id, or null. */
export async function currentUserId(): Promise<string | null> {
  return (await currentSession()).userId;
}

/** The signed-in person's id and the session's name (null for a session from before names), or nulls. */
export async function currentSession(): Promise<{ userId: string | null; sessionId: string | null }> {
  const session = await auth();
  return { userId: session?.user?.id ?? null, sessionId: session?.sessionId ?? null };
}

declare module "next-auth" {
  interface Session {
    /** Names this session, so that a password change can end the others and keep it. */
    sessionId?: string;
  }
}
