// The catalogue of stable error codes. Codes are public and never change
// meaning; messages are for people and may. docs/errors.md lists the same
// codes, and a test keeps the two in step.
import type { ErrorKind } from './kinds.ts';

export const ERROR_CODES = {
  // generic
  INVALID_ARGUMENT: 'InvalidArgument',
  INTERNAL: 'Internal',
  CANCELLED: 'Aborted',

  // storage engine
  OBJECT_NOT_FOUND: 'NotFound',
  CHUNK_NOT_FOUND: 'DataLoss',
  CHUNK_CORRUPT: 'DataLoss',
  PACK_CORRUPT: 'DataLoss',
  STORE_UNAVAILABLE: 'Unavailable',
  STORE_ACCESS_DENIED: 'PermissionDenied',
  STORE_BUCKET_NOT_FOUND: 'FailedPrecondition',
  STORE_FULL: 'ResourceExhausted',
  STORE_IO: 'Unavailable',
  STREAM_ABORTED: 'Aborted',

  // metadata store
  META_IO: 'Unavailable',
  META_CORRUPT: 'DataLoss',

  // names and paths
  INVALID_REPO_NAME: 'InvalidArgument',
  INVALID_BRANCH_NAME: 'InvalidArgument',
  INVALID_COMMIT_ID: 'InvalidArgument',
  INVALID_PATH: 'InvalidArgument',
  INVALID_REF: 'InvalidArgument',
  INVALID_GLOB: 'InvalidArgument',

  // --- metadata store adapters (src/meta) ---
  /** Another process holds the metadata directory's lock. */
  META_LOCKED: 'FailedPrecondition',
  /** The metadata store was used after close(). */
  META_CLOSED: 'FailedPrecondition',
  /** A batch over the store's limits (etcd: --max-txn-ops, --max-request-bytes): it could not be atomic. */
  META_BATCH_TOO_LARGE: 'InvalidArgument',
  // --- end metadata store adapters ---

  // --- versioning core (src/pfs) ---
  REPO_NOT_FOUND: 'NotFound',
  REPO_EXISTS: 'AlreadyExists',
  REPO_HAS_DEPENDENTS: 'FailedPrecondition',
  BRANCH_NOT_FOUND: 'NotFound',
  BRANCH_EXISTS: 'AlreadyExists',
  BRANCH_HAS_NO_COMMITS: 'NotFound',
  COMMIT_NOT_FOUND: 'NotFound',
  TAG_NOT_FOUND: 'NotFound',
  TAG_EXISTS: 'AlreadyExists',
  /** A branch and a tag of one repo cannot share a name (writes to repo@<tag> are refused too); data.name. */
  REF_NAME_TAKEN: 'AlreadyExists',
  /** Dropping or squashing a commit a tag names; data.tags. */
  COMMIT_TAGGED: 'FailedPrecondition',
  /** A branch reset whose expected head no longer holds (compare-and-set); data.head is the actual head. */
  BRANCH_HEAD_MOVED: 'FailedPrecondition',
  COMMIT_FINISHED: 'FailedPrecondition',
  COMMIT_OPEN: 'FailedPrecondition',
  COMMIT_HAS_CHILDREN: 'FailedPrecondition',
  COMMIT_IS_ROOT: 'FailedPrecondition',
  /** A commit-id prefix (7+ hex digits) that starts more than one commit's id; data.prefix. */
  COMMIT_PREFIX_AMBIGUOUS: 'InvalidArgument',
  FILE_NOT_FOUND: 'NotFound',
  UPLOAD_NOT_FOUND: 'NotFound',
  PATH_IS_DIRECTORY: 'FailedPrecondition',
  PATH_IS_FILE: 'FailedPrecondition',
  CONCURRENT_UPDATE: 'Aborted',
  // --- end versioning core ---
  // --- commit file index (src/index) ---
  /** An index object (range or metarange) failed to decode; data.object names its hash. */
  INDEX_CORRUPT: 'DataLoss',
  /** Entries or changes given to the index writer were not in path order. */
  INDEX_UNSORTED: 'InvalidArgument',
  /** A file entry the index cannot store faithfully (bad hash hex, size, path shape). */
  INDEX_INVALID_ENTRY: 'InvalidArgument',
  // --- end commit file index ---
  // --- pipelines (src/pps) ---
  /** A pipeline spec breaks a rule; data.field names the spec field (e.g. "input.cross[1].pfs.glob"). */
  INVALID_PIPELINE_SPEC: 'InvalidArgument',
  PIPELINE_NOT_FOUND: 'NotFound',
  PIPELINE_EXISTS: 'AlreadyExists',
  JOB_NOT_FOUND: 'NotFound',
  DATUM_NOT_FOUND: 'NotFound',
  /** Two datums of one job wrote the same output path; data names both datums and the path. */
  OUTPUT_COLLISION: 'FailedPrecondition',
  /** The chosen executor cannot run here (e.g. no docker engine). */
  EXECUTOR_UNAVAILABLE: 'FailedPrecondition',
  // --- end pipelines ---
  // --- auth (src/auth) ---
  /** No token, or one that was never issued or has been revoked. */
  UNAUTHENTICATED: 'Unauthenticated',
  /** The token's expiry has passed; data.expiredAt. */
  TOKEN_EXPIRED: 'Unauthenticated',
  /** The caller is known but lacks the role; data.subject, data.action, data.repo, data.needs. */
  NOT_AUTHORIZED: 'PermissionDenied',
  /** An auth operation needs auth to be active (strata auth activate). */
  AUTH_NOT_ACTIVE: 'FailedPrecondition',
  /** strata auth activate on a cluster where auth is already active. */
  AUTH_ALREADY_ACTIVE: 'FailedPrecondition',
  /** A subject that is not user:NAME or robot:NAME; data.input. */
  INVALID_SUBJECT: 'InvalidArgument',
  /** A role that is not reader, writer, owner (or none); data.input. */
  INVALID_ROLE: 'InvalidArgument',
  /** No token with that id (or id prefix); data.id. */
  TOKEN_NOT_FOUND: 'NotFound',
  // --- end auth ---
  // --- wire and server (server/grpc, src/errors/wire.ts) ---
  /** A client stream broke the protocol (no header first, data outside a put_file, ...). */
  BAD_STREAM: 'InvalidArgument',
  /** GetChunks asked for a chunk hash the store does not hold (never uploaded, or collected). */
  CHUNK_UNKNOWN: 'NotFound',
  /** An uploaded chunk's bytes do not hash to the hash it was sent with. */
  CHUNK_HASH_MISMATCH: 'InvalidArgument',
  /** A ModifyFile stream ended without "done", or a put_file's data did not match its declared size: nothing committed. */
  UPLOAD_INCOMPLETE: 'Aborted',
  /** The server is shutting down; retry against it (or another) later. */
  SHUTTING_DOWN: 'Unavailable',
  /** The server could not bind a listener (address in use, no permission, no such address); data.address, data.errno. */
  LISTEN_FAILED: 'FailedPrecondition',
  /** strata mount without a loadable FUSE binding (the optional fuse-native, or libfuse); data.missing. */
  FUSE_UNAVAILABLE: 'FailedPrecondition',
  // Generic codes for a gRPC status that carries no Strata code (from
  // gRPC itself, a proxy, or a newer server): the decoder picks by status.
  NOT_FOUND: 'NotFound',
  ALREADY_EXISTS: 'AlreadyExists',
  FAILED_PRECONDITION: 'FailedPrecondition',
  ABORTED: 'Aborted',
  PERMISSION_DENIED: 'PermissionDenied',
  RESOURCE_EXHAUSTED: 'ResourceExhausted',
  UNAVAILABLE: 'Unavailable',
  DEADLINE_EXCEEDED: 'Unavailable',
  UNIMPLEMENTED: 'Internal',
  DATA_LOSS: 'DataLoss',
  // --- end wire and server ---
} as const satisfies Record<string, ErrorKind>;

export type ErrorCode = keyof typeof ERROR_CODES;
