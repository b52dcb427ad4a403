// The embedded default BlockStore: one file per object under a root directory.
//
// A put writes a temp file in `<root>/.tmp` (same file system), fsyncs it,
// renames it into place and fsyncs the directory, so an object is either
// absent or complete, also after kill -9 or power loss. Large objects (packs)
// are written with O_DIRECT where the file system takes it, bypassing the
// page cache (direct-write.ts); the fsync is the same either way. The temp dir is named
// with a leading dot because no key can start with one (BLOCK_KEY_PATTERN).
// Opening the store sweeps temp files whose writer is gone.
//
// Limits: a key cannot be both an object and a directory of other keys
// ("a" and "a/b"); such a put fails with InvalidArgument. Delete leaves empty
// directories behind (removing them would race with concurrent puts).
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { mkdir, open, readdir, readFile, rename, rm, stat, unlink, type FileHandle } from 'node:fs/promises';
import { dirname, join, resolve, sep } from 'node:path';
import pLimit from 'p-limit';
import { StrataError, wrapError } from '../errors/index.ts';
import type { BlockStore } from './block-store.ts';
import { createDurableWriter } from './direct-write.ts';
import { ReadHandles } from './read-handles.ts';

export interface LocalBlockStoreOptions {
  /** Directory holding the objects; created when missing. */
  root: string;
  /** Most file descriptors the store holds open at once for its operations (default 64). */
  maxOpenFiles?: number;
  /** Files kept open between ranged reads (see read-handles.ts; default 32). */
  readHandles?: number;
  /** Write large objects with O_DIRECT where the file system takes it (see direct-write.ts; default true). */
  directWrites?: boolean;
}

const TEMP_DIR = '.tmp';
// Temp names are `<host>.<pid>-<process token>-<random>.tmp`; the token tells
// this process's files from those of an earlier process that had the same
// pid. The host (hex of the host name) keeps a server from sweeping the temp
// files of another machine sharing the directory (--blocks-dir on a shared
// file system): its pids mean nothing here.
const PROCESS_TOKEN = randomBytes(6).toString('hex');
const HOST = Buffer.from(hostname()).toString('hex').slice(0, 64);

/** Opens (creating if needed) a local block store and sweeps stale temp files. */
export async function createLocalBlockStore(options: LocalBlockStoreOptions): Promise<BlockStore> {
  const root = resolve(options.root);
  const tempDir = join(root, TEMP_DIR);
  const limit = pLimit(options.maxOpenFiles ?? 64);
  const handles = new ReadHandles({ max: options.readHandles ?? 32 });
  const writer = createDurableWriter({ direct: options.directWrites });
  const description = `local directory ${root}`;

  try {
    await mkdir(tempDir, { recursive: true });
    await sweepTempFiles(tempDir);
  } catch (err) {
    throw fsError(err, root, 'open the store', undefined);
  }

  const pathOf = (key: string): string => {
    const path = resolve(root, key);
    // Keys are checked by withKeyChecks; this only guarantees no key escapes the root.
    if (!path.startsWith(root + sep) || path.startsWith(tempDir + sep) || path === tempDir) {
      throw new StrataError('INVALID_ARGUMENT', `block key "${key}" does not name a file inside ${root}`, { key, root });
    }
    return path;
  };

  const tempPath = (): string => join(tempDir, `${HOST}.${process.pid}-${PROCESS_TOKEN}-${randomBytes(8).toString('hex')}.tmp`);

  /** Moves a written, fsynced temp file into place and makes the rename durable. */
  async function place(temp: string, target: string): Promise<void> {
    const firstCreated = await mkdir(dirname(target), { recursive: true });
    await rename(temp, target);
    handles.forget(target);
    await syncDirectories(dirname(target), firstCreated);
  }

  const storeError = (err: unknown, key: string): StrataError => {
    if (isPathConflict(err)) {
      return wrapError(err, 'INVALID_ARGUMENT', `local block store at ${root}: cannot store "${key}": a key cannot be both an object and a prefix of other keys here`, { key, root });
    }
    return fsError(err, root, 'store', key);
  };

  const notFound = (key: string, cause: unknown): StrataError =>
    new StrataError('OBJECT_NOT_FOUND', `object "${key}" not found in ${description}`, { key, root }, { cause });

  async function statObject(key: string): Promise<{ size: number } | undefined> {
    const path = pathOf(key);
    try {
      const info = await stat(path);
      return info.isFile() ? { size: info.size } : undefined;
    } catch (err) {
      if (isAbsence(err)) return undefined;
      throw fsError(err, root, 'stat', key);
    }
  }

  return {
    description,

    async put(key, data) {
      const target = pathOf(key);
      const temp = tempPath();
      await limit(async () => {
        try {
          await writer.write(temp, data);
          await place(temp, target);
        } catch (err) {
          // Nothing partial may remain: the temp file goes, whatever failed.
          await rm(temp, { force: true }).catch(() => undefined);
          throw storeError(err, key);
        }
      });
    },

    async get(key) {
      const path = pathOf(key);
      return limit(async () => {
        try {
          return await readFile(path);
        } catch (err) {
          if (isAbsence(err)) throw notFound(key, err);
          throw fsError(err, root, 'read', key);
        }
      });
    },

    async getRange(key, offset, length, opts) {
      const path = pathOf(key);
      return limit(async () => {
        try {
          return await handles.use(path, (file) => readRange(file, offset, length, opts?.into));
        } catch (err) {
          if (isAbsence(err)) throw notFound(key, err);
          throw fsError(err, root, 'read', key);
        }
      });
    },

    stat: statObject,

    async has(key) {
      return (await statObject(key)) !== undefined;
    },

    async delete(key) {
      const path = pathOf(key);
      try {
        await unlink(path);
      } catch (err) {
        // A directory at that path means no object of that name: nothing to delete.
        if (isAbsence(err)) return;
        throw fsError(err, root, 'delete', key);
      } finally {
        handles.forget(path);
      }
    },

    async *list(prefix) {
      // Start at the deepest directory the prefix names completely.
      const base = prefix.slice(0, prefix.lastIndexOf('/') + 1);
      try {
        yield* walk(join(root, base), base, prefix);
      } catch (err) {
        throw fsError(err, root, 'list', prefix);
      }
    },

    async close() {
      await handles.closeAll();
    },

    // A pack written while it fills: its bytes go to a temp file as they arrive; finish renames it into place as put does.
    begin() {
      const temp = tempPath();
      const file = writer.pieces(temp);
      let done = false;
      const drop = async (): Promise<void> => {
        done = true;
        await file.close().catch(() => undefined);
        await rm(temp, { force: true }).catch(() => undefined);
      };
      return {
        ahead: (data) => (done ? Promise.resolve() : file.ahead(data)),
        async finish(key, data) {
          const target = pathOf(key);
          await limit(async () => {
            try {
              await file.finish(data);
              await file.close();
              await place(temp, target);
              done = true;
            } catch (err) {
              await drop();
              throw storeError(err, key);
            }
          });
        },
        abort: drop,
      };
    },
  };
}

/** fsyncs `dir`, and the parents of every directory mkdir just created, up to the first one's parent. */
async function syncDirectories(dir: string, firstCreated: string | undefined): Promise<void> {
  await syncDirectory(dir);
  if (firstCreated === undefined) return;
  const stop = dirname(firstCreated);
  for (let current = dir; current !== stop && current !== dirname(current); ) {
    current = dirname(current);
    await syncDirectory(current);
  }
}

async function syncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

async function readRange(file: FileHandle, offset: number, length: number, into?: Uint8Array): Promise<Uint8Array> {
  // Not zero-filled, and no stat for the usual pack-sized read: every byte
  // returned is read, and a short read means the end of the object.
  const size = length <= 64 << 20 ? length : Math.min(length, (await file.stat()).size - offset);
  // The caller's buffer when it is big enough: a fresh one costs page faults and, freed only by a GC, its collection.
  const buffer = into && into.byteLength >= size ? Buffer.from(into.buffer, into.byteOffset, Math.max(0, size)) : Buffer.allocUnsafeSlow(Math.max(0, size));
  let filled = 0;
  while (filled < buffer.length) {
    const { bytesRead } = await file.read(buffer, filled, buffer.length - filled, offset + filled);
    if (bytesRead === 0) break;
    filled += bytesRead;
  }
  return buffer.subarray(0, filled);
}

/** Yields keys under `dir` (whose key prefix is `keyPrefix`) that start with `prefix`, in byte order. */
async function* walk(dir: string, keyPrefix: string, prefix: string): AsyncGenerator<string> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (err) {
    if (isAbsence(err)) return;
    throw err;
  }
  // A directory's keys all start with "name/", so sorting it as "name/" puts
  // it in byte order among its siblings ("a-b" < "a/x" < "a0").
  const items = entries
    .filter((entry) => !(keyPrefix === '' && entry.name === TEMP_DIR) && (entry.isFile() || entry.isDirectory()))
    .map((entry) => (entry.isDirectory() ? `${entry.name}/` : entry.name))
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  for (const item of items) {
    const key = keyPrefix + item;
    if (!item.endsWith('/')) {
      if (key.startsWith(prefix)) yield key;
    } else if (key.startsWith(prefix) || prefix.startsWith(key)) {
      yield* walk(join(dir, item), key, prefix);
    }
  }
}

async function sweepTempFiles(tempDir: string): Promise<void> {
  for (const name of await readdir(tempDir)) {
    if (!writerIsAlive(name)) await rm(join(tempDir, name), { force: true, recursive: true });
  }
}

function writerIsAlive(tempName: string): boolean {
  const match = /^(?:([0-9a-f]*)\.)?(\d+)-([0-9a-f]+)-/.exec(tempName);
  if (!match) return false;
  const [, host, pidText, token] = match;
  if (host !== undefined && host !== HOST) return true; // another machine's: not ours to judge
  const pid = Number(pidText);
  if (pid === process.pid) return token === PROCESS_TOKEN;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return errno(err) === 'EPERM';
  }
}

function errno(err: unknown): string | undefined {
  return (err as NodeJS.ErrnoException | undefined)?.code;
}

function isAbsence(err: unknown): boolean {
  const code = errno(err);
  return code === 'ENOENT' || code === 'ENOTDIR' || code === 'EISDIR';
}

function isPathConflict(err: unknown): boolean {
  const code = errno(err);
  return code === 'ENOTDIR' || code === 'EISDIR' || code === 'EEXIST';
}

function fsError(err: unknown, root: string, action: string, key: string | undefined): StrataError {
  const code = errno(err);
  const what = key === undefined ? `cannot ${action}` : `cannot ${action} "${key}"`;
  const data = { root, ...(key === undefined ? {} : { key }), errno: code ?? null };
  switch (code) {
    case 'ENOSPC':
    case 'EDQUOT':
      return wrapError(err, 'STORE_FULL', `local block store at ${root} is full, ${what}`, data);
    case 'EACCES':
    case 'EPERM':
      return wrapError(err, 'STORE_ACCESS_DENIED', `local block store at ${root}: permission denied, ${what}`, data);
    default:
      return wrapError(err, 'STORE_IO', `local block store at ${root}: ${what}`, data);
  }
}
