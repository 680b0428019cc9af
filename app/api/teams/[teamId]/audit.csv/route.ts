import { handleAuditCsv } from "@/server/http/csv-downloads";

export const dynamic = "force-dynamic";

export async function GET(request: Request, { params }: { params: Promise<{ teamId: string }> }): Promise<Response> {
  return handleAuditCsv(request, (await params).teamId);
}
