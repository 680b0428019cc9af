import { AppError, type AppErrorDetails } from "../../errors";

/**
 * Not enough free GPU capacity for what was asked. Always CONFLICT: the request was valid, the
 * fleet's state refused it, and trying another region, time or size may well succeed.
 */
export class CapacityError extends AppError {
  constructor(message: string, details: AppErrorDetails = {}) {
    super("CONFLICT", message, details);
    this.name = "CapacityError";
  }
}
