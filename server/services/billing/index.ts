/**
 * Prepaid credits and monthly invoices: the operator grants credit (credits.ts), the worker closes
 * each UTC month into one immutable invoice per team (invoices.ts), and members read both
 * (team-billing.ts).
 */
export {
  creditBalance,
  creditHistory,
  grantCredit,
  grantCreditInput,
  grantSignUpCredit,
  MAX_GRANT_NANO,
  MAX_REASON_LENGTH,
  type CreditApplicationView,
  type CreditGrantStatus,
  type CreditGrantView,
  type CreditHistoryEntry,
  type GrantCreditInput,
  type SignUpCredit,
} from "./credits";
export { invoiceCsv, invoiceCsvFilename, INVOICE_CSV_HEADER } from "./invoice-csv";
export {
  closeDueMonths,
  closeMonth,
  getInvoice,
  INVOICE_NOT_FOUND,
  issueInvoice,
  listInvoices,
  teamsAwaitingInvoice,
  type CloseMonthReport,
  type InvoiceDetail,
  type InvoiceLineView,
  type InvoiceSummary,
  type IssueResult,
} from "./invoices";
export { BILLING_AUDIT_LABELS, CLOSE_GRACE_MS, monthClosesAt, monthLabel, monthPeriod, monthSchema, previousMonth, secondsToHours } from "./shared";
export { invoiceIdInput, teamCredits, teamInvoice, teamInvoiceCsv, teamInvoices, type InvoiceIdInput, type TeamCredits } from "./team-billing";
