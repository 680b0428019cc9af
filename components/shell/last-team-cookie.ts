export const LAST_TEAM_COOKIE = "cc_last_team";
