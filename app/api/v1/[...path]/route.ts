import { getConsoleGateway } from "@/server/http/gateway";

export const dynamic = "force-dynamic";

async function handle(request: Request): Promise<Response> {
  return (await getConsoleGateway()).handle(request);
}

export { handle as GET, handle as POST, handle as PUT, handle as PATCH, handle as DELETE };
