import type { ComputeCatalog } from "../fleet";

/**
 * A made-up fleet for tests and benchmarks: regions r1…rN, each with `hostsPerRegion` hosts of
 * 8 slots of GPU model "X"; instance types x1 (1 GPU), x2, x4 and x8 (a whole host).
 */
export function testComputeCatalog(options: { regions?: number; hostsPerRegion?: number } = {}): ComputeCatalog {
  const regionCount = options.regions ?? 2;
  const hostsPerRegion = options.hostsPerRegion ?? 4;
  const regions = Array.from({ length: regionCount }, (_, i) => ({ id: `r${i + 1}`, name: `Region ${i + 1}`, location: `Place ${i + 1}` }));
  const instanceTypes = [1, 2, 4, 8].map((gpus) => ({
    id: `x${gpus}`,
    displayName: `${gpus}× X`,
    gpuModel: "X",
    gpuCount: gpus,
    gpuMemoryGb: 80,
    vcpus: 16 * gpus,
    ramGb: 128 * gpus,
    nvmeGb: 1000 * gpus,
    networkGbps: 100,
    onDemandNanoPerHour: 2_000_000_000n * BigInt(gpus),
    // Not a round figure, so that price arithmetic is checked to the last nano.
    reservedNanoPerHour: 1_234_567_891n * BigInt(gpus),
    status: "available" as const,
  }));
  const hosts = regions.flatMap((r) =>
    Array.from({ length: hostsPerRegion }, (_, i) => ({ id: `${r.id}-x-${String(i + 1).padStart(4, "0")}`, regionId: r.id, gpuModel: "X", gpuSlots: 8 })),
  );
  return { regions, instanceTypes, hosts };
}
