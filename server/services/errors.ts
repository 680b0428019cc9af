export type AppErrorCode =
  | "BAD_REQUEST"
  | "UNAUTHORIZED"
  | "FORBIDDEN"
  | "NOT_FOUND"
  | "CONFLICT"
  | "TOO_MANY_REQUESTS"
  | "INTERNAL";

export interface AppErrorDetails {
  /** Messages per input field, shown next to the field in forms. */
  fieldErrors?: Record<string, string[]>;
  /** Seconds until a rate-limited action may be tried again. */
  retryAfterSeconds?: number;
  [key: string]: unknown;
}

/** The one error type of the service layer; each door (tRPC, HTTP API) maps it once. */
export class AppError extends Error {
  constructor(
    readonly code: AppErrorCode,
    message: string,
    readonly details: AppErrorDetails = {},
  ) {
    super(message);
    this.name = "AppError";
  }

  static field(code: AppErrorCode, field: string, message: string): AppError {
    return new AppError(code, message, { fieldErrors: { [field]: [message] } });
  }
}
