/**
 * The refund policy: a block cancelled more than 24 hours before it starts is refunded in full
 * (extensions included); one cancelled later, but still before it starts, gets half back (rounded
 * down to the nano-USD). A block that has started cannot be cancelled. No server-only imports: the
 * console shows the amount before asking.
 */
export const FULL_REFUND_NOTICE_HOURS = 24;

export function refundFor(priceNano: bigint, startsAt: Date, now: Date): bigint {
  return startsAt.getTime() - now.getTime() > FULL_REFUND_NOTICE_HOURS * 3_600_000 ? priceNano : priceNano / 2n;
}
