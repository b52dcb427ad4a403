// Request messages as @grpc/proto-loader decodes them with LOADER_OPTIONS
// (camelCase fields, defaults filled, int64 as number, oneof name in `body`).
// Hand-written to match proto/strata/pfs/v1/pfs.proto; only what handlers read.

export interface CreateRepoRequest { name: string; description: string }
export interface RepoNameRequest { name: string }
export interface DeleteRepoRequest { name: string; force: boolean }
export interface CreateBranchRequest { branch: string; from: string; provenance: string[] }
export interface BranchRequest { branch: string }
export interface ListBranchRequest { repo: string }
export interface ResetBranchRequest { branch: string; to: string; expectedHead: string }
export interface CreateTagRequest { tag: string; ref: string }
export interface TagRequest { tag: string }
export interface ListTagRequest { repo: string }
export interface StartCommitRequest { branch: string; description: string; provenance: string[]; metadata: Record<string, string> }
export interface FinishCommitRequest { commit: string; description?: string }
export interface CommitRequest { commit: string }
export interface ListCommitRequest { ref: string; to: string; limit: number }

export interface ChunkRefMessage { hash: string; sizeBytes: number }

export type ModifyFileRequest =
  | { body: 'header'; header: { target: string; description: string } }
  | { body: 'putFile'; putFile: { path: string; append: boolean; sizeBytes?: number } }
  | { body: 'data'; data: Buffer }
  | { body: 'putChunks'; putChunks: PutChunksMessage }
  | { body: 'deleteFile'; deleteFile: { path: string; dir: boolean } }
  | { body: 'copyFile'; copyFile: { src: string; dstPath: string } }
  | { body: 'done'; done: Record<string, never> }
  | { body: 'chunks'; chunks: UploadChunksRequest }
  | { body: 'putChunksBatch'; putChunksBatch: { files: PutChunksMessage[] } }
  | { body?: undefined };

export interface PutChunksMessage { path: string; chunks: ChunkRefMessage[]; append: boolean }
export interface UploadChunksRequest { chunks: { hash: string; data: Buffer }[] }
export interface MissingChunksRequest { hashes: string[] }

export interface GetChunksRequest { hashes: string[]; file: string; files: string[] }
export interface GetFileRequest { file: string; offset: number; length?: number }
export interface GetTarRequest { ref: string; glob: string }
export interface InspectFileRequest { file: string; includeChunks: boolean }
export interface ListFileRequest { dir: string; after: string; limit: number; includeChunksMaxBytes: number }
export interface WalkFileRequest { dir: string }
export interface GlobFileRequest { ref: string; pattern: string }
export interface DiffFileRequest { newRef: string; oldRef: string }

export interface FsckRequest { verifyData: boolean }
export interface GarbageCollectRequest { graceMs?: number }
