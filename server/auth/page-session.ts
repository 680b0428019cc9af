import { headers } from "next/headers";
import { notFound, redirect } from "next/navigation";
import { cache } from "react";
import { getDb } from "@/server/db";
import { consoleLogger, systemClock, type ServiceContext, type TeamContext } from "@/server/services/context";
import { AppError } from "@/server/services/errors";
import { enterTeam } from "@/server/services/teams/team-access";
import { getProfile, type Profile } from "@/server/services/users/profile";
import { currentUserId } from "./config";
import { requestInfo } from "./request-info";

/**
 * For server components: the signed-in person's service context, or a redirect to sign-in that
 * comes back to the page they wanted. Cached per request.
 */
export const requirePageContext = cache(async (): Promise<ServiceContext & { actor: { type: "user"; userId: string } }> => {
  const h = await headers();
  const userId = await currentUserId();
  if (!userId) {
    const back = h.get("x-pathname");
    redirect(back && back !== "/" ? `/sign-in?callbackUrl=${encodeURIComponent(back)}` : "/sign-in");
  }
  return { db: await getDb(), actor: { type: "user", userId }, request: requestInfo(h), now: systemClock, log: consoleLogger };
});

/** For pages that anyone may open: the signed-in person's profile, or null (no session, or its account is gone). */
export const optionalProfile = cache(async (): Promise<Profile | null> => {
  const userId = await currentUserId();
  if (!userId) return null;
  const ctx = { db: await getDb(), actor: { type: "user" as const, userId }, request: requestInfo(await headers()), now: systemClock, log: consoleLogger };
  try {
    return await getProfile(ctx);
  } catch (error) {
    if (error instanceof AppError && error.code === "UNAUTHORIZED") return null;
    throw error;
  }
});

/** The signed-in person's profile; a session whose account is gone goes back to sign-in. */
export const requireProfile = cache(async (): Promise<Profile> => {
  const ctx = await requirePageContext();
  try {
    return await getProfile(ctx);
  } catch (error) {
    if (error instanceof AppError && error.code === "UNAUTHORIZED") redirect("/sign-in");
    throw error;
  }
});

/** The team named by the URL's slug, for a member; anyone else gets the 404 page. */
export const requireTeamPage = cache(async (slug: string): Promise<TeamContext> => {
  const ctx = await requirePageContext();
  try {
    return await enterTeam(ctx, { slug });
  } catch (error) {
    if (error instanceof AppError && error.code === "NOT_FOUND") notFound();
    throw error;
  }
});
