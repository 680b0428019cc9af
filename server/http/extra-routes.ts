import type { ExtraRoutes } from "@/server/services/inference/gateway/handler";

/**
 * Several groups of public-API routes behind the gateway's one `extra` slot (the compute API, the
 * usage API): the first group that claims a path handles it.
 */
export function combineRoutes(...groups: ExtraRoutes[]): ExtraRoutes {
  return {
    handles: (path) => groups.some((group) => group.handles(path)),
    handle(request, path, requestId) {
      const group = groups.find((g) => g.handles(path));
      if (!group) throw new Error(`no route group handles ${path}`);
      return group.handle(request, path, requestId);
    },
  };
}
