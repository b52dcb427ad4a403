// S3's own errors: one catalogue of the codes the gateway answers with (code
// -> HTTP status), the translation of core StrataErrors by kind, and the
// error XML every S3 client parses (with the request id; see xml.ts).
import { isStrataError, type ErrorKind } from '../../src/errors/index.ts';

export const S3_ERRORS = {
  AccessDenied: 403,
  AccessForbidden: 403,
  AuthorizationHeaderMalformed: 400,
  AuthorizationQueryParametersError: 400,
  BadDigest: 400,
  BadRequest: 400,
  BucketAlreadyOwnedByYou: 409,
  BucketNotEmpty: 409,
  EntityTooSmall: 400,
  ExpiredToken: 400,
  IncompleteBody: 400,
  InternalError: 500,
  InvalidAccessKeyId: 403,
  IllegalLocationConstraintException: 400,
  InvalidArgument: 400,
  InvalidBucketName: 400,
  InvalidDigest: 400,
  InvalidPart: 400,
  InvalidPartNumber: 416,
  InvalidPartOrder: 400,
  InvalidRange: 416,
  InvalidRequest: 400,
  InvalidURI: 400,
  MalformedXML: 400,
  MetadataTooLarge: 400,
  MethodNotAllowed: 405,
  NoSuchBucket: 404,
  NoSuchKey: 404,
  NoSuchUpload: 404,
  NotImplemented: 501,
  OperationAborted: 409,
  PreconditionFailed: 412,
  RequestHeaderSectionTooLarge: 400,
  RequestTimeout: 400,
  RequestTimeTooSkewed: 403,
  ServiceUnavailable: 503,
  SignatureDoesNotMatch: 403,
  XAmzContentSHA256Mismatch: 400,
} as const;

export type S3ErrorCode = keyof typeof S3_ERRORS;

export class S3Error extends Error {
  readonly status: number;
  /** For NotImplemented: what the client asked for, a name from our code (never from the request), logged once. */
  readonly operation?: string;
  constructor(
    readonly code: S3ErrorCode,
    message: string,
    /** Extra elements of the error XML (BucketName, Key, UploadId, ...). */
    readonly extra: Record<string, string> = {},
    options: { cause?: unknown; operation?: string } = {},
  ) {
    super(message, { cause: options.cause });
    this.name = 'S3Error';
    this.status = S3_ERRORS[code];
    this.operation = options.operation;
  }
}

/** A client asking for something the gateway does not do: 501, not a server fault. */
export function notImplemented(operation: string, message: string): S3Error {
  return new S3Error('NotImplemented', message, {}, { operation });
}

const BY_KIND: Record<ErrorKind, S3ErrorCode> = {
  InvalidArgument: 'InvalidArgument',
  NotFound: 'NoSuchKey',
  AlreadyExists: 'BucketAlreadyOwnedByYou',
  FailedPrecondition: 'InvalidRequest',
  Aborted: 'OperationAborted',
  PermissionDenied: 'AccessDenied',
  Unauthenticated: 'AccessDenied',
  ResourceExhausted: 'ServiceUnavailable',
  Unavailable: 'ServiceUnavailable',
  DataLoss: 'InternalError',
  Internal: 'InternalError',
};

/** NotFound says which thing is missing: the bucket's repo, branch or commit, an upload, or the key. */
const NOT_FOUND: Partial<Record<string, S3ErrorCode>> = {
  REPO_NOT_FOUND: 'NoSuchBucket',
  BRANCH_NOT_FOUND: 'NoSuchBucket',
  COMMIT_NOT_FOUND: 'NoSuchBucket',
  UPLOAD_NOT_FOUND: 'NoSuchUpload',
};

/** Any error as an S3Error: core errors by kind, anything else an InternalError (the cause kept for the log). */
export function toS3Error(err: unknown): S3Error {
  if (err instanceof S3Error) return err;
  if (isStrataError(err)) {
    const code = err.kind === 'NotFound' ? (NOT_FOUND[err.code] ?? 'NoSuchKey') : BY_KIND[err.kind];
    return new S3Error(code, err.message, {}, { cause: err });
  }
  return new S3Error('InternalError', 'We encountered an internal error. Please try again.', {}, { cause: err });
}
