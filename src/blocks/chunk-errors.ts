// The errors the chunk store raises, worded once: each names the chunk, the
// pack and the store, so a DataLoss report says exactly what is gone.
import { StrataError, isStrataError } from '../errors/index.ts';
import type { BlockStore } from './block-store.ts';

export function chunkNotFound(chunk: string, pack: string | undefined, cause?: unknown): StrataError {
  const where = pack ? `its pack ${pack} is missing` : 'no pack holds it';
  return new StrataError('CHUNK_NOT_FOUND', `chunk ${chunk} is missing: ${where}`, { chunk, pack: pack ?? null }, { cause });
}

export function failedUpload(blocks: BlockStore, cause: unknown, chunk?: string): StrataError {
  const detail = cause instanceof Error ? `: ${cause.message}` : '';
  const what = chunk ? `chunk ${chunk} was not stored durably` : 'a pack upload failed';
  // A full store stays STORE_FULL (ResourceExhausted): "unavailable" would tell clients to retry what cannot succeed.
  const code = isStrataError(cause) && cause.code === 'STORE_FULL' ? 'STORE_FULL' : 'STORE_IO';
  return new StrataError(code, `${what} in ${blocks.description}${detail}`, { chunk: chunk ?? null }, { cause });
}

export function chunkCorrupt(chunk: string, pack: string, blocks: BlockStore): StrataError {
  return new StrataError(
    'CHUNK_CORRUPT',
    `chunk ${chunk} in pack ${pack || '(unsealed)'} of ${blocks.description} is corrupt: its bytes do not match its hash`,
    { chunk, pack },
  );
}
