// The smallest interface object storage needs: whole immutable objects by key.
// Adapters (local directory, S3, memory) implement it; key checks, hashing,
// packing and caching live above it, once.

export interface BlockStore {
  /** A human description used in error messages, e.g. `s3://bucket/prefix at http://host:9000`. */
  readonly description: string;
  /**
   * Stores `data` under `key`, atomically and durably: when the promise
   * resolves the object survives a crash, and no reader ever sees part of it.
   * Overwriting an existing key replaces it whole. The store keeps no
   * reference to `data` once the promise settles: the caller reuses the buffer.
   */
  put(key: string, data: Uint8Array): Promise<void>;
  /** The whole object; OBJECT_NOT_FOUND when absent. */
  get(key: string): Promise<Uint8Array>;
  /**
   * `length` bytes from `offset`; fewer only at the end of the object. OBJECT_NOT_FOUND when absent.
   * `into`: a buffer of at least `length` bytes the store may read into and return a view of
   * (so a reader can reuse its buffers); a store that cannot returns bytes of its own.
   */
  getRange(key: string, offset: number, length: number, opts?: { into?: Uint8Array }): Promise<Uint8Array>;
  /** Size in bytes, or undefined when absent. */
  stat(key: string): Promise<{ size: number } | undefined>;
  has(key: string): Promise<boolean>;
  /** Removes the object; removing an absent key is not an error. */
  delete(key: string): Promise<void>;
  /** Every key that starts with `prefix`, in ascending byte order. */
  list(prefix: string): AsyncIterable<string>;
  close(): Promise<void>;
  /**
   * Optional: an object written while its bytes still arrive (the chunk
   * store's packs), so the store can write them as they come instead of all
   * at once at put. Nothing is visible under any key before `finish`.
   */
  begin?(): BlockWriter;
}

/** An object being written in pieces (BlockStore.begin). */
export interface BlockWriter {
  /**
   * The object's first `data.length` bytes are final and these (each call
   * gives a longer prefix of the same bytes): the store may write them now.
   * Failures are kept for `finish`; calls need not be awaited in turn.
   */
  ahead(data: Uint8Array): Promise<void>;
  /** Stores the whole object `data` (which begins with every prefix given to ahead) under `key`, as put does. */
  finish(key: string, data: Uint8Array): Promise<void>;
  /** Drops whatever was written; the writer is not used again. */
  abort(): Promise<void>;
}

/** Keys are relative, slash-separated, and made of a safe alphabet so every store can hold them. */
export const BLOCK_KEY_PATTERN = /^[a-z0-9][a-z0-9._-]*(\/[a-z0-9][a-z0-9._-]*)*$/;
