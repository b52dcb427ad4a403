// An in-memory BlockStore for unit tests. Bytes are copied in and out, so a
// caller that mutates its buffer after put (or the one get returned) cannot
// change what is stored, just as with a real store.
import { StrataError } from '../errors/index.ts';
import type { BlockStore } from './block-store.ts';

export function createMemoryBlockStore(): BlockStore {
  const objects = new Map<string, Uint8Array>();

  const objectOf = (key: string): Uint8Array => {
    const data = objects.get(key);
    if (data === undefined) {
      throw new StrataError('OBJECT_NOT_FOUND', `object "${key}" not found in memory block store`, { key });
    }
    return data;
  };

  return {
    description: 'memory',
    async put(key, data) {
      objects.set(key, Uint8Array.prototype.slice.call(data));
    },
    async get(key) {
      return objectOf(key).slice();
    },
    async getRange(key, offset, length) {
      return objectOf(key).slice(offset, offset + length);
    },
    async stat(key) {
      const data = objects.get(key);
      return data === undefined ? undefined : { size: data.byteLength };
    },
    async has(key) {
      return objects.has(key);
    },
    async delete(key) {
      objects.delete(key);
    },
    async *list(prefix) {
      // A snapshot, so puts and deletes during iteration do not disturb it.
      const keys = [...objects.keys()].filter((key) => key.startsWith(prefix)).sort(compareKeys);
      yield* keys;
    },
    async close() {
      objects.clear();
    },
  };
}

// Keys are ASCII (BLOCK_KEY_PATTERN), where UTF-16 order equals byte order.
function compareKeys(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
