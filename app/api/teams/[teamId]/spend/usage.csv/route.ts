import { handleRawUsageCsv } from "@/server/http/spend-csv";

export const dynamic = "force-dynamic";

export async function GET(request: Request, { params }: { params: Promise<{ teamId: string }> }): Promise<Response> {
  return handleRawUsageCsv(request, (await params).teamId);
}
