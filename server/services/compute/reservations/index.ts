/**
 * Reserved capacity blocks: search what can be bought, buy (idempotent, charged up front), cancel
 * before the start (refund policy in cancel.ts), extend on the same GPUs, and the worker's step
 * that starts, warns and completes blocks.
 */
export { advanceReservations, END_WARNING_BEFORE_MS, type AdvanceOptions, type AdvanceResult } from "./advance";
export { cancelReservation } from "./cancel";
export { FULL_REFUND_NOTICE_HOURS, refundFor } from "./refund-policy";
export { extendReservation } from "./extend";
export { reservationPrice, searchOfferings, type Offering } from "./offerings";
export { OFFERING_GONE, purchaseReservation } from "./purchase";
export * from "./schemas";
export { getReservation, listReservations, RESERVATION_NOT_FOUND, type ReservationDetail, type ReservationView } from "./view";
