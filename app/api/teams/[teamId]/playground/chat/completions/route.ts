import { handlePlaygroundChat } from "@/server/http/playground";

export const dynamic = "force-dynamic";

export async function POST(request: Request, { params }: { params: Promise<{ teamId: string }> }): Promise<Response> {
  return handlePlaygroundChat(request, (await params).teamId);
}
