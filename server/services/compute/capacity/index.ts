/**
 * The capacity ledger: one allocation row per GPU slot and time range, kept free of double booking
 * by the EXCLUDE constraint on `allocations`. Instances (open-ended ranges) and reservations (fixed
 * windows) both take their GPUs here.
 */
export { allocate, extendAllocations, releaseAllocations, type AllocationOwnerRef, type Placement, type SlotRequest } from "./allocate";
export {
  availabilityCalendar,
  availabilityInput,
  bucketStart,
  getAvailability,
  MAX_CALENDAR_DAYS,
  type AvailabilityCalendar,
  type AvailabilityInput,
  type AvailabilityQuery,
  type CalendarBucket,
} from "./calendar";
export { CapacityError } from "./errors";
export { freeInstances, type FreeCapacity } from "./free";
export { forgetCatalogCopies, requireInstanceType, requireInstanceTypeAndRegion, type InstanceTypeRow } from "./instance-types";
export { getComputeCatalog, nanoToUsd, type CatalogInstanceType, type ComputeCatalogView } from "./catalog";
