import type { Db } from "@/server/db";
import { nanoToUsd } from "@/server/services/compute/capacity/catalog";
import type { Logger } from "@/server/services/context";
import { GatewayError, invalidRequest, notFound, permissionDenied } from "@/server/services/inference/gateway/errors";
import type { ExtraRoutes } from "@/server/services/inference/gateway/handler";
import { JsonReply, type GatewayRequest } from "@/server/services/inference/gateway/http";
import { parseUsageQuery, usageReport, type UsageGroup, type UsageRow } from "@/server/services/spend";
import type { Measures } from "@/server/services/spend/rollup-query";
import { bearerKey, jsonBody, toApiError } from "./compute-api";

/**
 * `GET /v1/usage?start=&end=&group_by=day|model|key|instance_type`: a team's usage and cost from
 * the rollups, for API keys with the `usage:read` scope, in the compute API's style: snake_case
 * fields, money as `cost_nano` (integer nano-USD, as a string) and `cost_usd` (exact decimal), and
 * OpenAI-shaped errors naming the parameter at fault.
 */

const PARAMS = new Set(["start", "end", "group_by"]);

function measuresJson(m: Measures) {
  return {
    requests: m.requests,
    errors: m.errors,
    input_tokens: m.inputTokens,
    output_tokens: m.outputTokens,
    instance_seconds: m.instanceSeconds,
    reserved_instance_seconds: m.reservedSeconds,
    cost_nano: m.costNano.toString(),
    cost_usd: nanoToUsd(m.costNano),
  };
}

function rowJson(groupBy: UsageGroup, row: UsageRow) {
  const what =
    groupBy === "day"
      ? { date: row.value }
      : groupBy === "model"
        ? { model: row.value, model_name: row.name }
        : groupBy === "key"
          ? // Usage without a key (the console, the playground) has no key id.
            { api_key_id: row.value || null, api_key_name: row.name }
          : { instance_type: row.value, instance_type_name: row.name };
  return { object: "usage.bucket", ...what, ...measuresJson(row) };
}

export function createUsageApi(deps: { db: Db; now: () => Date; log: Logger }): ExtraRoutes {
  async function teamOfKey(request: GatewayRequest): Promise<string> {
    const key = await bearerKey(deps, request);
    if (!key.scopes.includes("usage:read")) {
      throw permissionDenied("This API key lacks the 'usage:read' scope. Create a key with 'usage:read' in the console under API keys.", "insufficient_scope");
    }
    return key.teamId;
  }

  return {
    handles: (path) => path === "/usage" || path.startsWith("/usage/"),

    async handle(request, path, requestId) {
      if (path !== "/usage") throw notFound(`Unknown path ${path}. Usage is served at /usage.`);
      const method = request.method.toUpperCase();
      if (method !== "GET") throw new GatewayError(405, "invalid_request_error", "method_not_allowed", `${method} is not allowed on /usage; use GET.`);
      const teamId = await teamOfKey(request);
      try {
        const search = new URL(request.url).searchParams;
        for (const name of search.keys()) {
          if (!PARAMS.has(name)) throw invalidRequest(`Unknown parameter '${name}'. /usage takes start, end and group_by.`, name);
        }
        const query = parseUsageQuery(
          { start: search.get("start") ?? undefined, end: search.get("end") ?? undefined, groupBy: search.get("group_by") ?? undefined },
          deps.now(),
        );
        const report = await usageReport(deps.db, teamId, query);
        const body = {
          object: "list",
          data: report.rows.map((row) => rowJson(query.groupBy, row)),
          start: query.start.toISOString(),
          end: query.end.toISOString(),
          group_by: query.groupBy,
          total: measuresJson(report.total),
        };
        return new JsonReply(body, 200, { "x-request-id": requestId }, jsonBody);
      } catch (error) {
        const failure = toApiError(error);
        if (failure) throw failure;
        throw error;
      }
    },
  };
}
