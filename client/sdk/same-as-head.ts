// Whether the files a tree put just read and cut are, path for path and
// hash for hash, what the branch head already holds. When they are (and
// nothing is deleted), the put's one-off commit would change nothing, so
// put -r drops it instead of making an empty commit: re-putting an
// unchanged tree makes no commit even when the files cache could not vouch
// for the files (a fresh cache, touched files, --no-cache), which are read
// once, as any file the cache does not know.
import { isStrataError } from '../../src/errors/index.ts';
import type { FileInfo } from './types.ts';

/** What the check needs of the client. */
export interface HeadReader {
  inspectFile(file: string): Promise<FileInfo>;
  walk(dir: string): AsyncGenerator<FileInfo, void, undefined>;
}

/** Files looked up one by one at once; more than INSPECTED_FILES after the first batch are compared against one listing of the prefix. */
const INSPECTS_AT_ONCE = 8;
const INSPECTED_FILES = 32;

const isNotFound = (err: unknown): boolean => isStrataError(err) && err.kind === 'NotFound';

function inspectSame(client: HeadReader, commit: string, files: Map<string, string>, paths: string[]): Promise<boolean> {
  return Promise.all(
    paths.map((p) =>
      client.inspectFile(`${commit}:${p}`).then(
        (f) => f.type === 'file' && f.hash === files.get(p),
        (err: unknown) => {
          if (isNotFound(err)) return false;
          throw err;
        },
      ),
    ),
  ).then((same) => !same.includes(false));
}

/**
 * True when every `files` entry (repo path -> content hash) is a file of the
 * same hash in `commit` (`repo@<id>`). `prefix` is the directory all the
 * paths are under. A few files are looked up first, since a new or changed
 * file among them answers at once; the rest, when many, are compared
 * against one listing of the prefix, which stops at the first difference.
 */
export async function sameAsHead(client: HeadReader, commit: string, prefix: string, files: Map<string, string>): Promise<boolean> {
  const paths = [...files.keys()];
  if (!(await inspectSame(client, commit, files, paths.slice(0, INSPECTS_AT_ONCE)))) return false;
  const rest = paths.slice(INSPECTS_AT_ONCE);
  if (rest.length <= INSPECTED_FILES) {
    for (let at = 0; at < rest.length; at += INSPECTS_AT_ONCE) {
      if (!(await inspectSame(client, commit, files, rest.slice(at, at + INSPECTS_AT_ONCE)))) return false;
    }
    return true;
  }
  const wanted = new Set(rest);
  let found = 0;
  try {
    for await (const f of client.walk(`${commit}:${prefix}`)) {
      if (!wanted.has(f.path)) continue;
      if (f.type !== 'file' || f.hash !== files.get(f.path)) return false;
      found++;
    }
  } catch (err) {
    if (isNotFound(err)) return false;
    throw err;
  }
  return found === wanted.size;
}
