import { formatUsd } from "@/components/ui/format";

/** Nano-USD per hour (a decimal string from the server) as "$2.99/hr". */
export function formatPerHour(nanoPerHour: string | bigint): string {
  return `${formatUsd(BigInt(nanoPerHour))}/hr`;
}

/** 45 → "45s", 754 → "12m 34s", 11520 → "3h 12m", 190800 → "2d 5h". */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m ${s % 60}s`;
  if (s < 86_400) return `${Math.floor(s / 3600)}h ${Math.floor((s % 3600) / 60)}m`;
  return `${Math.floor(s / 86_400)}d ${Math.floor((s % 86_400) / 3600)}h`;
}
