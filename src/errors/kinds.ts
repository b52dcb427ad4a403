// The few categories every Strata error falls into, and how each one is
// presented by every transport. Transports switch on kind, never on codes.

export type ErrorKind =
  | 'NotFound'
  | 'AlreadyExists'
  | 'InvalidArgument'
  | 'FailedPrecondition'
  | 'Aborted'
  | 'PermissionDenied'
  | 'Unauthenticated'
  | 'ResourceExhausted'
  | 'Unavailable'
  | 'DataLoss'
  | 'Internal';

export interface KindPresentation {
  /** gRPC status code (numeric, as in grpc's status.proto). */
  grpc: number;
  /** HTTP status for the HTTP transports (S3 gateway, console). */
  http: number;
  /** errno a mount returns for it. */
  errno: string;
  /** CLI exit code. */
  exit: number;
}

// A Record, so the compiler rejects a kind without a row.
export const KIND_TABLE: Readonly<Record<ErrorKind, KindPresentation>> = Object.freeze({
  NotFound: { grpc: 5, http: 404, errno: 'ENOENT', exit: 4 },
  AlreadyExists: { grpc: 6, http: 409, errno: 'EEXIST', exit: 5 },
  InvalidArgument: { grpc: 3, http: 400, errno: 'EINVAL', exit: 2 },
  FailedPrecondition: { grpc: 9, http: 412, errno: 'EPERM', exit: 6 },
  Aborted: { grpc: 10, http: 409, errno: 'EAGAIN', exit: 7 },
  PermissionDenied: { grpc: 7, http: 403, errno: 'EACCES', exit: 8 },
  // No (valid) credentials at all, as distinct from credentials without the right.
  Unauthenticated: { grpc: 16, http: 401, errno: 'EACCES', exit: 12 },
  ResourceExhausted: { grpc: 8, http: 507, errno: 'ENOSPC', exit: 9 },
  Unavailable: { grpc: 14, http: 503, errno: 'EIO', exit: 10 },
  DataLoss: { grpc: 15, http: 500, errno: 'EIO', exit: 11 },
  Internal: { grpc: 13, http: 500, errno: 'EIO', exit: 1 },
});

export const ERROR_KINDS = Object.keys(KIND_TABLE) as ErrorKind[];
