// The one error type of Strata. Every failure that crosses a module boundary
// is a StrataError with a stable code; library errors travel as its cause.
import { ERROR_CODES, type ErrorCode } from './codes.ts';
import type { ErrorKind } from './kinds.ts';

export type ErrorData = Record<string, string | number | boolean | null>;

export class StrataError extends Error {
  readonly code: ErrorCode;
  readonly kind: ErrorKind;
  readonly data: ErrorData;

  constructor(code: ErrorCode, message: string, data: ErrorData = {}, options: { cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'StrataError';
    this.code = code;
    this.kind = ERROR_CODES[code];
    this.data = data;
  }
}

export function isStrataError(err: unknown, code?: ErrorCode): err is StrataError {
  return err instanceof StrataError && (code === undefined || err.code === code);
}

/** Wraps anything thrown by a library into a StrataError unless it already is one. */
export function wrapError(err: unknown, code: ErrorCode, message: string, data: ErrorData = {}): StrataError {
  if (err instanceof StrataError) return err;
  const detail = err instanceof Error ? err.message : String(err);
  return new StrataError(code, `${message}: ${detail}`, data, { cause: err });
}
