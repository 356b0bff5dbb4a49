/** One field-level problem, as listed in a problem-details `errors` array. */
export interface FieldProblem {
  path: string;
  message: string;
}

/** Base of every error that maps to an HTTP status; the error middleware renders it. */
export class DomainError extends Error {
  readonly status: number = 500;
  readonly title: string = 'Internal Server Error';
  readonly errors?: FieldProblem[];
  readonly headers?: Record<string, string>;
  /** Extra members of the problem-details body (snake_case), such as the id a conflict names. */
  readonly members?: Record<string, unknown>;
  constructor(message: string, extra?: { errors?: FieldProblem[]; headers?: Record<string, string>; members?: Record<string, unknown> }) {
    super(message);
    this.name = new.target.name;
    this.errors = extra?.errors;
    this.headers = extra?.headers;
    this.members = extra?.members;
  }
}

export class BadRequestError extends DomainError {
  override readonly status = 400;
  override readonly title = 'Bad Request';
}
export class UnauthorizedError extends DomainError {
  override readonly status = 401;
  override readonly title = 'Unauthorized';
}
export class ForbiddenError extends DomainError {
  override readonly status = 403;
  override readonly title = 'Forbidden';
}
export class NotFoundError extends DomainError {
  override readonly status = 404;
  override readonly title = 'Not Found';
}
/** A 404 that hides something the caller may not see (never reveal that it exists); logged as a refusal. */
export class HiddenError extends NotFoundError {
  constructor(
    message: string,
    readonly target: { type: string; id: string },
  ) {
    super(message);
  }
}
export class ConflictError extends DomainError {
  override readonly status = 409;
  override readonly title = 'Conflict';
}
/** A body or file over a size limit; the message names the limit. */
export class PayloadTooLargeError extends DomainError {
  override readonly status = 413;
  override readonly title = 'Payload Too Large';
}
export class UnsupportedMediaTypeError extends DomainError {
  override readonly status = 415;
  override readonly title = 'Unsupported Media Type';
}
export class ValidationError extends DomainError {
  override readonly status = 422;
  override readonly title = 'Validation Failed';
  constructor(message: string, errors: FieldProblem[]) {
    super(message, { errors });
  }
}
export class TooManyRequestsError extends DomainError {
  override readonly status = 429;
  override readonly title = 'Too Many Requests';
}
export class ServiceUnavailableError extends DomainError {
  override readonly status = 503;
  override readonly title = 'Service Unavailable';
}

/** Shorthand for a 422 about a single field. */
export function fieldError(path: string, message: string): ValidationError {
  return new ValidationError(`${path}: ${message}`, [{ path, message }]);
}
