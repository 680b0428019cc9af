import { computeContextOf } from "@/server/services/compute/context";
import {
  cancelReservation,
  extendReservation,
  extendReservationInput,
  getReservation,
  listReservations,
  purchaseReservation,
  purchaseReservationInput,
  reservationIdInput,
  searchOfferings,
  searchOfferingsInput,
} from "@/server/services/compute/reservations";
import { requires, router, teamProcedure } from "../init";

export const reservationsRouter = router({
  /** Up to six blocks that can be bought now, spread over regions and start times. */
  search: teamProcedure
    .use(requires("compute:read"))
    .input(searchOfferingsInput)
    .query(({ ctx, input }) => searchOfferings(computeContextOf(ctx.team), input)),

  /** Buys an offering; idempotent per team on `idempotencyKey`. */
  purchase: teamProcedure
    .use(requires("compute:write"))
    .input(purchaseReservationInput)
    .mutation(({ ctx, input }) => purchaseReservation(computeContextOf(ctx.team), input)),

  cancel: teamProcedure
    .use(requires("compute:write"))
    .input(reservationIdInput)
    .mutation(({ ctx, input }) => cancelReservation(computeContextOf(ctx.team), input)),

  extend: teamProcedure
    .use(requires("compute:write"))
    .input(extendReservationInput)
    .mutation(({ ctx, input }) => extendReservation(computeContextOf(ctx.team), input)),

  list: teamProcedure.use(requires("compute:read")).query(({ ctx }) => listReservations(computeContextOf(ctx.team))),

  get: teamProcedure
    .use(requires("compute:read"))
    .input(reservationIdInput)
    .query(({ ctx, input }) => getReservation(computeContextOf(ctx.team), input)),
});
