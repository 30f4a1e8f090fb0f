/**
 * One typed error for every API failure, mapped to the Openverse error shapes (§11).
 */
import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';

export type ApiErrorCode =
  | 'validation'
  | 'unauthorized_page_size'
  | 'not_found'
  | 'method_not_allowed'
  | 'throttled'
  | 'unauthorized_client'
  | 'forbidden'
  | 'gone'
  | 'payload_too_large'
  | 'unsupported_media_type'
  | 'failed_dependency'
  | 'search_unavailable'
  | 'search_timeout'
  | 'search_failed'
  | 'database_unavailable'
  | 'rate_limiter_unavailable'
  | 'internal';

const STATUS: Record<ApiErrorCode, ContentfulStatusCode> = {
  validation: 400,
  unauthorized_page_size: 401,
  not_found: 404,
  method_not_allowed: 405,
  throttled: 429,
  unauthorized_client: 401,
  forbidden: 403,
  gone: 410,
  payload_too_large: 413,
  unsupported_media_type: 415,
  failed_dependency: 424,
  search_failed: 502,
  search_unavailable: 503,
  database_unavailable: 503,
  rate_limiter_unavailable: 503,
  search_timeout: 503,
  internal: 500,
};

/** Field errors in DRF's shape: `{field: [message, …]}`, `non_field_errors` for the rest. */
export type FieldErrors = Record<string, string[]>;

export class ApiError extends Error {
  override name = 'ApiError';
  constructor(
    readonly code: ApiErrorCode,
    message: string,
    readonly fields?: FieldErrors,
    readonly body?: unknown,
  ) {
    super(message);
  }

  get status(): ContentfulStatusCode {
    return STATUS[this.code];
  }

  static validation(fields: FieldErrors): ApiError {
    return new ApiError('validation', 'Invalid request parameters.', fields);
  }

  static notFound(detail = 'Not found.'): ApiError {
    return new ApiError('not_found', detail);
  }

  /** The JSON body clients see: `{"detail": …}` unless a route fixed another shape. */
  toBody(): unknown {
    if (this.body !== undefined) return this.body;
    if (this.fields) return { detail: this.fields };
    return { detail: this.message };
  }
}

export function errorResponse(c: Context, err: ApiError): Response {
  if (err.code === 'unauthorized_page_size') c.header('WWW-Authenticate', 'Bearer realm="api"');
  return c.json(err.toBody() as object, err.status);
}
