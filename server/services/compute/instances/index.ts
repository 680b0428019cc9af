/**
 * On-demand and reservation-backed GPU instances: launch, terminate, list and read (the services
 * the console, the public API and the UI call), and the lifecycle the worker drives.
 */
export { launchInstance } from "./launch-instance";
export { terminateInstance } from "./terminate-instance";
export { findInstanceView, getInstance, INSTANCE_LIST_LIMIT, INSTANCE_NOT_FOUND, listImages, listInstances, type InstanceDetail, type InstanceEventView, type InstanceView } from "./list-instances";
export { billableSeconds, billRunningTime, meterRunningInstances } from "./metering";
export {
  failInstance,
  finishTermination,
  MAX_LAUNCH_ATTEMPTS,
  pollInstance,
  provisionInstance,
  requestTermination,
  retryOrFail,
  type LifecycleDeps,
} from "./lifecycle";
export { endReservationInstances, reconcileInstances, terminateEndedReservationInstances, type ReconcileReport } from "./reconcile";
export { JOBS, registerJobSender, sendJob, type InstanceJobData, type JobName, type JobSender } from "./jobs";
export * from "./schemas";
