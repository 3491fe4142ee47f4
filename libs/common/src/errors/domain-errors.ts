import { IntrinsicException } from '@nestjs/common';

/** The codes a client can receive in `extensions.code` (see PRODUCT.md, Errors and limits). */
export type ErrorCode =
  'BAD_USER_INPUT' | 'UNAUTHENTICATED' | 'FORBIDDEN' | 'NOT_FOUND' | 'CONFLICT' | 'RATE_LIMITED';

/**
 * An error the client caused. Services throw these; the GraphQL error formatter turns them into
 * errors with `extensions.code`, and anything else into an opaque internal error. Intrinsic, so
 * Nest does not log them as server errors: clients could otherwise flood the logs.
 */
export abstract class DomainError extends IntrinsicException {
  abstract readonly code: ErrorCode;
  /** Extra, client-safe details merged into `extensions`. */
  readonly details: Record<string, unknown>;

  constructor(message: string, details: Record<string, unknown> = {}) {
    super(message);
    this.name = new.target.name;
    this.details = details;
  }
}

export interface FieldProblem {
  field: string;
  message: string;
}

export class InvalidInputError extends DomainError {
  readonly code = 'BAD_USER_INPUT';
  readonly fields: FieldProblem[];

  constructor(fields: FieldProblem[] | FieldProblem) {
    const list = Array.isArray(fields) ? fields : [fields];
    super(list.map((f) => `${f.field}: ${f.message}`).join('; '), { fields: list });
    this.fields = list;
  }

  static field(field: string, message: string): InvalidInputError {
    return new InvalidInputError({ field, message });
  }
}

export class UnauthenticatedError extends DomainError {
  readonly code = 'UNAUTHENTICATED';
  constructor(message = 'You need to sign in to do this.') {
    super(message);
  }
}

export class ForbiddenError extends DomainError {
  readonly code = 'FORBIDDEN';
  constructor(message = 'You are not allowed to do this.') {
    super(message);
  }
}

export class NotFoundError extends DomainError {
  readonly code = 'NOT_FOUND';
  constructor(what: string) {
    super(`${what} was not found.`);
  }
}

export class ConflictError extends DomainError {
  readonly code = 'CONFLICT';
}

/** `extensions.retryAfterSeconds` is always a whole number of seconds, at least 1. */
export class RateLimitedError extends DomainError {
  readonly code = 'RATE_LIMITED';
  constructor(message: string, retryAfterSeconds: number) {
    super(message, { retryAfterSeconds: Math.max(1, Math.ceil(retryAfterSeconds)) });
  }
}
