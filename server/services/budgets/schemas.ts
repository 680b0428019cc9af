import { z } from "zod";
import { usdToNano } from "../keys/schemas";

/** Browser-safe: the budget form validates with the same schema as the service. */

export const DEFAULT_ALERT_THRESHOLDS = [50, 80, 100] as const;

const BUDGET_RANGE = "Enter a monthly budget from $0.01 to $10,000,000.";

export const setBudgetInput = z
  .object({
    amountUsd: z
      .string({ error: BUDGET_RANGE })
      .trim()
      .refine((text) => usdToNano(text) !== null, "Enter an amount in US dollars, e.g. 500 or 1250.50.")
      .refine((text) => {
        const nano = usdToNano(text);
        return nano === null || (nano >= 10_000_000n && nano <= 10_000_000n * 1_000_000_000n);
      }, BUDGET_RANGE),
    // The form sends "50, 80, 100"; the API sends a list.
    alertThresholds: z
      .preprocess(
        (value) => (typeof value === "string" ? value.split(/[\s,%]+/).filter(Boolean).map(Number) : value),
        z.array(z.number({ error: "Enter a whole percentage." }).int("Enter a whole percentage.").min(1, "Thresholds go from 1% to 200%.").max(200, "Thresholds go from 1% to 200%."))
          .max(6, "At most 6 alert thresholds.")
          .refine((list) => new Set(list).size === list.length, "Each threshold once."),
      )
      .default([...DEFAULT_ALERT_THRESHOLDS]),
    hardCap: z.boolean().default(false),
    stopInstancesAtCap: z.boolean().default(false),
  })
  .refine((input) => input.hardCap || !input.stopInstancesAtCap, {
    path: ["stopInstancesAtCap"],
    message: "Stopping instances at the cap needs the hard cap on.",
  });

export type SetBudgetInput = z.input<typeof setBudgetInput>;
