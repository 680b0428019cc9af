import { z } from "zod";

/**
 * Input schemas for reserved capacity blocks, shared by the services, the tRPC door and the
 * console's forms (which may send numbers and dates as text).
 */

export const MIN_DURATION_HOURS = 1;
/** 90 days: the longest block, purchase and extensions together. */
export const MAX_DURATION_HOURS = 90 * 24;
/** How far ahead a block may end: a 90-day block starting up to 90 days from now. */
export const MAX_HORIZON_DAYS = 180;
/** The most instances in one block; also keeps the charged instance-seconds within the ledger's integer column. */
export const MAX_INSTANCE_COUNT = 256;
export const MAX_OFFERINGS = 6;

const textToNumber = (value: unknown) => (typeof value === "string" && value.trim() !== "" ? Number(value.trim()) : value);

const wholeNumber = (min: number, max: number, what: string) => {
  const message = `Enter a whole number of ${what} from ${min.toLocaleString("en")} to ${max.toLocaleString("en")}.`;
  return z.preprocess(textToNumber, z.number({ error: message }).int(message).min(min, message).max(max, message));
};

const dateField = (what: string) =>
  z.preprocess(
    (value) => (typeof value === "string" || typeof value === "number" ? new Date(value) : value),
    z.date({ error: `Enter the ${what} as a date and time.` }).refine((d) => !Number.isNaN(d.getTime()), `Enter the ${what} as a date and time.`),
  );

const idField = (what: string) => z.string({ error: `Choose ${what}.` }).trim().min(1, `Choose ${what}.`).max(64, `Choose ${what}.`);

export const reservationIdInput = z.object({ reservationId: z.string({ error: "Name a reservation." }).trim().min(1, "Name a reservation.").max(64, "Reservation not found.") });
export type ReservationIdInput = z.input<typeof reservationIdInput>;

export const searchOfferingsInput = z.object({
  instanceTypeId: idField("an instance type"),
  instanceCount: wholeNumber(1, MAX_INSTANCE_COUNT, "instances"),
  durationHours: wholeNumber(MIN_DURATION_HOURS, MAX_DURATION_HOURS, "hours"),
  earliestStart: dateField("earliest start"),
  latestEnd: dateField("latest end"),
  regionId: idField("a region").optional(),
});
export type SearchOfferingsInput = z.input<typeof searchOfferingsInput>;

const nanoAmount = z.union(
  [z.bigint().nonnegative("The price cannot be negative."), z.string().regex(/^\d{1,30}$/, "The price is a whole number of nano-USD.").transform((s) => BigInt(s))],
  { error: "The price is a whole number of nano-USD." },
);

export const purchaseReservationInput = z.object({
  name: z.string({ error: "Enter a name for the reservation." }).trim().min(1, "Enter a name for the reservation.").max(80, "Use at most 80 characters."),
  regionId: idField("a region"),
  instanceTypeId: idField("an instance type"),
  instanceCount: wholeNumber(1, MAX_INSTANCE_COUNT, "instances"),
  startsAt: dateField("start"),
  endsAt: dateField("end"),
  /** The offering's price, so that nobody is charged a price they were not shown. */
  priceNano: nanoAmount,
  idempotencyKey: z
    .string({ error: "An idempotency key is required: generate one per purchase (e.g. a UUID)." })
    .trim()
    .min(8, "The idempotency key must be 8 to 128 characters.")
    .max(128, "The idempotency key must be 8 to 128 characters."),
});
export type PurchaseReservationInput = z.input<typeof purchaseReservationInput>;

export const extendReservationInput = reservationIdInput.extend({
  hours: wholeNumber(1, MAX_DURATION_HOURS, "hours"),
  idempotencyKey: z.string().trim().min(8, "The idempotency key must be 8 to 128 characters.").max(128, "The idempotency key must be 8 to 128 characters.").optional(),
});
export type ExtendReservationInput = z.input<typeof extendReservationInput>;
