interface HeaderSource {
  get(name: string): string | null;
}

const HOST = /^(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*|\[[0-9a-f:.]+\])(?::\d{1,5})?$/i;

function first(value: string | null): string | undefined {
  const item = value?.split(",")[0]?.trim();
  return item ? item : undefined;
}

/**
 * The public API's base URL as customers should call it: PUBLIC_URL when the operator set it,
 * otherwise the address this request came to (the proxy's `x-forwarded-host`/`x-forwarded-proto`,
 * else `host`). A malformed host header never reaches the page.
 */
export function apiBaseUrl(publicUrl: string | undefined, headers: HeaderSource): string {
  if (publicUrl) return `${publicUrl.replace(/\/+$/, "")}/api/v1`;
  const host = first(headers.get("x-forwarded-host")) ?? first(headers.get("host"));
  const proto = first(headers.get("x-forwarded-proto"))?.toLowerCase() === "https" ? "https" : "http";
  if (!host || !HOST.test(host)) return "http://localhost:3000/api/v1";
  return `${proto}://${host.toLowerCase()}/api/v1`;
}
