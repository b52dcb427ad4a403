export { StrataError, isStrataError, wrapError, type ErrorData } from './strata-error.ts';
export { ERROR_CODES, type ErrorCode } from './codes.ts';
export { KIND_TABLE, ERROR_KINDS, type ErrorKind, type KindPresentation } from './kinds.ts';
