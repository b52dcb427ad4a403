// Content-defined chunking (FastCDC, normalized, gear hash) and chunk/file
// hashing: pure functions on bytes, no I/O. See params.ts for the format
// constants and find-boundary.ts for the cut rule.
export {
  FORMAT_VERSION,
  MIN_SIZE,
  AVG_SIZE,
  MAX_SIZE,
  NORMALIZATION_LEVEL,
  GEAR_SEED,
  GEAR,
  DEFAULT_PARAMS,
  createChunkingParams,
  deriveGearTable,
  spreadMask,
  type ChunkingParams,
  type ChunkingSizes,
} from './params.ts';
export { findBoundary } from './find-boundary.ts';
export { createChunker, chunkStream, chunkBuffer, ChunkSplitter, type Chunker } from './chunker.ts';
export {
  HASH_BYTES,
  FILE_HASH_PREFIX,
  hashChunk,
  hashHex,
  fileHash,
  createFileHasher,
  type FileHasher,
} from './hash.ts';
export {
  chunkAndHash,
  sharedHashPool,
  DEFAULT_MAX_IN_FLIGHT_BYTES,
  type ChunkAndHashOptions,
  type HashedChunk,
} from './chunk-and-hash.ts';
export { createHashPool, type HashPool, type HashedBatch } from './hash-pool.ts';
