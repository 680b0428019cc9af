import type { RequestInfo } from "@/server/services/context";

/** Client address and user agent of a request, as recorded in audit events. */
export function requestInfo(headers: Headers): RequestInfo {
  const forwarded = headers.get("x-forwarded-for")?.split(",")[0]?.trim();
  return {
    ip: forwarded || headers.get("x-real-ip") || null,
    userAgent: headers.get("user-agent"),
  };
}
