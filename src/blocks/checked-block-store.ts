// Argument checks for any BlockStore, done once here so adapters need not
// repeat them: keys must match BLOCK_KEY_PATTERN, ranges must be whole
// non-negative numbers. Bad input fails with InvalidArgument and reaches no store.
import { StrataError } from '../errors/index.ts';
import { BLOCK_KEY_PATTERN, type BlockStore } from './block-store.ts';

// A list prefix is any leading part of a key.
const PREFIX_PATTERN = /^[a-z0-9._/-]*$/;

export function withKeyChecks(store: BlockStore): BlockStore {
  // Every method is async, so a bad argument is a rejected promise, never a synchronous throw.
  const checked: BlockStore = {
    description: store.description,
    async put(key, data) {
      checkKey(key);
      if (!(data instanceof Uint8Array)) throw invalid(`data for block "${key}" must be a Uint8Array`, { key });
      return store.put(key, data);
    },
    async get(key) {
      checkKey(key);
      return store.get(key);
    },
    async getRange(key, offset, length, opts) {
      checkKey(key);
      checkCount('offset', offset, key);
      checkCount('length', length, key);
      return store.getRange(key, offset, length, opts);
    },
    async stat(key) {
      checkKey(key);
      return store.stat(key);
    },
    async has(key) {
      checkKey(key);
      return store.has(key);
    },
    async delete(key) {
      checkKey(key);
      return store.delete(key);
    },
    async *list(prefix) {
      if (typeof prefix !== 'string' || !PREFIX_PATTERN.test(prefix)) {
        throw invalid(
          `invalid block key prefix ${JSON.stringify(prefix)}: use lowercase letters, digits, ".", "_", "-" and "/"`,
          { prefix: String(prefix) },
        );
      }
      yield* store.list(prefix);
    },
    close: () => store.close(),
  };
  if (store.begin) {
    const begin = store.begin.bind(store);
    checked.begin = () => {
      const writer = begin();
      return {
        ahead: (data) => writer.ahead(data),
        async finish(key, data) {
          try {
            checkKey(key);
          } catch (err) {
            await writer.abort();
            throw err;
          }
          return writer.finish(key, data);
        },
        abort: () => writer.abort(),
      };
    };
  }
  return checked;
}

function checkKey(key: unknown): asserts key is string {
  if (typeof key !== 'string' || !BLOCK_KEY_PATTERN.test(key)) {
    throw invalid(
      `invalid block key ${JSON.stringify(key)}: keys are relative, slash-separated segments of lowercase letters, digits, ".", "_" and "-", each starting with a letter or digit`,
      { key: String(key) },
    );
  }
}

function checkCount(name: string, value: unknown, key: string): void {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw invalid(`invalid ${name} ${String(value)} for block "${key}": must be a whole number >= 0`, { key, [name]: String(value) });
  }
}

function invalid(message: string, data: Record<string, string>): StrataError {
  return new StrataError('INVALID_ARGUMENT', message, data);
}
