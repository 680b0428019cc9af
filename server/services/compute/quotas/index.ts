/** GPU quotas per team and GPU model: usage for the console, the launch-time check, and the operator's setting. */
export { assertQuota, defaultGpuQuota, QUOTA_STATES, quotaUsage, teamQuotaUsage, type GpuQuotaUsage, type QuotaCheck } from "./quotas";
export { findTeam, setGpuQuota, type SetGpuQuotaInput, type SetGpuQuotaResult } from "./set-quota";
