import { handleInvoiceCsv } from "@/server/http/csv-downloads";

export const dynamic = "force-dynamic";

export async function GET(request: Request, { params }: { params: Promise<{ teamId: string; invoiceId: string }> }): Promise<Response> {
  const { teamId, invoiceId } = await params;
  return handleInvoiceCsv(request, teamId, invoiceId);
}
