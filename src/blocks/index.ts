// The block layer's public surface: the BlockStore interface and its adapters.
export { BLOCK_KEY_PATTERN, type BlockStore } from './block-store.ts';
export { withKeyChecks } from './checked-block-store.ts';
export { createLocalBlockStore, type LocalBlockStoreOptions } from './local-block-store.ts';
export { createMemoryBlockStore } from './memory-block-store.ts';
export { createS3BlockStore, type S3BlockStore, type S3BlockStoreOptions } from './s3-block-store.ts';
