/**
 * The compute catalog: regions, instance types and the fleet of GPU hosts, from a versioned file
 * (default-compute.yaml, or the operator's COMPUTE_CATALOG_FILE), validated and seeded on start.
 */
export { COMPUTE_CATALOG, DEFAULT_COMPUTE_CATALOG_FILE, loadComputeCatalog, validateComputeCatalog, type ComputeCatalog, type HostSpec } from "./compute-catalog";
export { seedComputeCatalog } from "./seed-fleet";
