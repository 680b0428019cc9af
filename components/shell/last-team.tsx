"use client";

import { useEffect } from "react";
import { LAST_TEAM_COOKIE } from "./last-team-cookie";

/** Remembers the team in view so that the home page opens it next time. */
export function RememberTeam({ slug }: { slug: string }) {
  useEffect(() => {
    document.cookie = `${LAST_TEAM_COOKIE}=${encodeURIComponent(slug)}; path=/; max-age=31536000; samesite=lax`;
  }, [slug]);
  return null;
}
