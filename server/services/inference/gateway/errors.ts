/**
 * Errors of the public API, in OpenAI's shape `{ error: { message, type, param, code } }`, so that
 * every OpenAI client raises its usual exception class for them.
 */
export class GatewayError extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    readonly code: string | null,
    message: string,
    readonly param: string | null = null,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = "GatewayError";
  }

  toJSON() {
    return { error: { message: this.message, type: this.type, param: this.param, code: this.code } };
  }
}

export const invalidRequest = (message: string, param: string | null = null, code: string | null = null) =>
  new GatewayError(400, "invalid_request_error", code, message, param);

export const invalidApiKey = (message: string) =>
  new GatewayError(401, "invalid_request_error", "invalid_api_key", message);

export const permissionDenied = (message: string, code: string) =>
  new GatewayError(403, "permission_error", code, message);

export const modelNotFound = (model: string) =>
  new GatewayError(
    404,
    "invalid_request_error",
    "model_not_found",
    `The model '${model}' does not exist or you do not have access to it. List models with GET /v1/models.`,
    "model",
  );

export const notFound = (message: string) => new GatewayError(404, "invalid_request_error", "not_found", message);

export const payloadTooLarge = (limit: number) =>
  new GatewayError(413, "invalid_request_error", "request_too_large", `The request body is larger than ${limit} bytes.`);

/** The client went away before its request was read: nginx's 499, metered but never logged as our failure. */
export const clientClosedRequest = () =>
  new GatewayError(499, "invalid_request_error", "client_closed_request", "The connection closed before the whole request body arrived.");

export const insufficientQuota = (message: string) =>
  new GatewayError(429, "insufficient_quota", "insufficient_quota", message);

export const upstreamError = (status: 502 | 503 | 504, message: string) =>
  new GatewayError(
    status,
    "api_error",
    status === 504 ? "upstream_timeout" : status === 503 ? "upstream_unavailable" : "upstream_error",
    message,
  );

export const internalError = (requestId: string) =>
  new GatewayError(
    500,
    "api_error",
    "internal_error",
    `The server had an error while processing your request. Quote request id ${requestId} if you contact support.`,
  );
