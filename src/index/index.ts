// The commit file index: a sorted map path -> FileEntry stored as
// content-defined ranges under a metarange (as lakeFS's graveler does), so
// that commits, diffs and listings cost what they touch, not the repo size.
export type {
  ChunkRef,
  DiffItem,
  FileEntry,
  IndexChange,
  IndexObjectStore,
  IndexRoot,
  IndexStat,
  ListItem,
  ListOptions,
  RangeRecord,
} from './types.ts';
export { comparePaths } from './paths.ts';
export { buildIndex, applyChanges, type ApplyResult, type IndexWriteOptions, type WriteStats } from './index-writer.ts';
export { createIndexReader, type IndexReader, type IndexReaderOptions, type ReaderStats } from './index-reader.ts';
export { DEFAULT_CUT_PARAMS, type CutParams } from './boundaries.ts';
export { decodeMetarange, decodeRange, encodeMetarange, encodeRange, FORMAT_VERSION } from './encoding.ts';
