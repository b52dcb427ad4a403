// Failures as the negative errno a FUSE handler returns. Strata errors map
// by kind through KIND_TABLE (the one table every transport uses); local
// file-system errors keep their own code; anything else is EIO.
import { constants } from 'node:os';
import { KIND_TABLE, isStrataError } from '../../src/errors/index.ts';

export type ErrnoCode = keyof typeof constants.errno;

/** A file-system answer that is not a Strata error (EROFS, ENOTEMPTY, ...), raised inside the mount. */
export class FsError extends Error {
  constructor(
    readonly code: ErrnoCode,
    message: string = code,
  ) {
    super(message);
    this.name = 'FsError';
  }
}

export function fsError(code: ErrnoCode, message?: string): FsError {
  return new FsError(code, message);
}

function negative(code: string): number {
  const n = (constants.errno as Record<string, number>)[code];
  return n === undefined ? -constants.errno.EIO : -n;
}

/** The negative errno for any thrown value. */
export function errnoOf(err: unknown): number {
  if (err instanceof FsError) return negative(err.code);
  if (isStrataError(err)) return negative(KIND_TABLE[err.kind].errno);
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  return typeof code === 'string' ? negative(code) : -constants.errno.EIO;
}

/** Whether a failure is worth a log line: not the everyday answers (no such file, read-only, ...). */
export function isUnexpected(err: unknown): boolean {
  // The server refusing the token (revoked, expired, role taken away) is EACCES to the reader,
  // but news to whoever mounted: without a line they could not tell it from a local permission.
  if (isStrataError(err) && (err.kind === 'Unauthenticated' || err.kind === 'PermissionDenied')) return true;
  const n = -errnoOf(err);
  const quiet: number[] = [constants.errno.ENOENT, constants.errno.EROFS, constants.errno.EEXIST, constants.errno.ENOTEMPTY, constants.errno.ENOTDIR, constants.errno.EISDIR, constants.errno.EACCES, constants.errno.EPERM, constants.errno.EINVAL];
  return !quiet.includes(n);
}
