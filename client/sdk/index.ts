// The Strata TypeScript SDK: `createClient({ address })` and its types.
// Errors are the core's StrataError (code, kind, data), rebuilt from the wire.
export { createClient, StrataClient, DEFAULT_ADDRESS, type ClientOptions } from './client.ts';
export type { CallOptions } from './transport.ts';
export type { ModifyOptions, ModifySession, PutOptions, WriteResult } from './modify.ts';
export type { PutDirectoryOptions, PutDirectoryResult, LocalFile } from './put-directory.ts';
export type { GetOptions } from './files-read.ts';
export type { PutSource } from './sources.ts';
export type * from './types.ts';
export { StrataError, isStrataError, KIND_TABLE, type ErrorCode, type ErrorKind } from '../../src/errors/index.ts';
export { createPpsClient, PpsClient, TERMINAL_STATES, type JobInfo, type JobState, type PipelineInfo, type DatumInfo, type LogMessage, type Explanation, type RerunReport, type Reprocess } from './pps.ts';
export { createAuthClient, AuthClient, type WhoAmI, type TokenInfo, type RoleBindingInfo, type AuditEntry, type AuditFilter } from './auth.ts';
export type { RetryInfo, TlsOptions } from './transport.ts';
export { isConnectionClosedByServer } from './transport.ts';
