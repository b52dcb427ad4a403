// Keys of a bucket in S3's order. S3 lists keys by their UTF-8 bytes; Strata's
// index sorts paths component by component, so `a/x` comes before `a.txt`
// there but after it on S3 (`.` < `/`). Within one directory the two orders
// differ only for subdirectories: a directory `d` must be listed as the key
// `d/`, after every sibling named `d` + a character below `/` (`d-1`, `d.csv`).
// inS3Order holds such directories back until the listing passes them; the
// jump helpers let a page start in the middle of a directory without reading
// what comes before (a listing of 100,000 keys reads each range about once).
import { isStrataError } from '../../src/errors/index.ts';
import { compareCodePoints, parsePath, type FilePath } from '../../src/ids.ts';
import type { Pfs } from '../../src/pfs/pfs.ts';
import type { FileInfo } from '../../src/pfs/types.ts';
import type { Ref } from '../../src/ref.ts';

export interface Child {
  name: string;
  type: 'file' | 'dir';
  info: FileInfo;
}

/** The child's key relative to its directory: a directory sorts as `name/`. */
export function childKey(c: Child): string {
  return c.type === 'dir' ? `${c.name}/` : c.name;
}

/** Re-orders children from index order into S3 key order, holding back only the directories that must wait. */
export async function* inS3Order(children: AsyncIterable<Child>): AsyncGenerator<Child> {
  const held: Child[] = []; // sorted by key
  for await (const c of children) {
    const key = childKey(c);
    while (held.length > 0 && compareCodePoints(childKey(held[0]!), key) < 0) yield held.shift()!;
    if (c.type === 'dir') {
      let i = held.length;
      while (i > 0 && compareCodePoints(childKey(held[i - 1]!), key) > 0) i--;
      held.splice(i, 0, c);
    } else {
      yield c;
    }
  }
  yield* held;
}

function pathOf(dirKey: string, name: string): FilePath {
  return parsePath(`/${dirKey}${name}`);
}

function dirPathOf(dirKey: string): FilePath {
  return dirKey === '' ? ('/' as FilePath) : parsePath(`/${dirKey.slice(0, -1)}`);
}

async function lookup(pfs: Pfs, ref: Ref, dirKey: string, name: string, dirsOnly: boolean): Promise<Child | undefined> {
  try {
    const info = await pfs.inspectFile(ref, pathOf(dirKey, name));
    if (dirsOnly && info.type !== 'dir') return undefined;
    return { name, type: info.type, info };
  } catch {
    return undefined; // absent, or a name no path can have
  }
}

/**
 * Children of the directory `dirKey` ('' or 'a/b/') whose names start with
 * `namePrefix` and whose keys may sort after `afterRel` (relative to the
 * directory), in index order. Names before the start are skipped by seeking,
 * except the few directories whose `name/` still sorts after it.
 */
export async function* childrenFrom(pfs: Pfs, ref: Ref, dirKey: string, namePrefix: string, afterRel: string | undefined): AsyncGenerator<Child> {
  let lower: string | undefined;
  const extras: { name: string; dirsOnly: boolean }[] = [];
  if (afterRel !== undefined && afterRel !== '' && compareCodePoints(afterRel, namePrefix) >= 0) {
    const slash = afterRel.indexOf('/');
    const c0 = slash < 0 ? afterRel : afterRel.slice(0, slash);
    lower = c0;
    for (let n = Math.max(1, namePrefix.length); n < c0.length; n++) {
      if (c0.charCodeAt(n) < 0x2f) extras.push({ name: c0.slice(0, n), dirsOnly: true });
    }
    if (slash < 0) extras.push({ name: c0, dirsOnly: true });
  } else if (namePrefix !== '') {
    lower = namePrefix;
    extras.push({ name: namePrefix, dirsOnly: false });
  }
  for (const e of extras) {
    if (!e.name.startsWith(namePrefix)) continue;
    const c = await lookup(pfs, ref, dirKey, e.name, e.dirsOnly);
    if (c) yield c;
  }
  const dir = dirPathOf(dirKey);
  try {
    for await (const info of pfs.listFiles(ref, dir, lower === undefined ? {} : { after: lower })) {
      if (info.path === dir) return; // `dir` is a file: it has no children
      const name = info.path.slice(info.path.lastIndexOf('/') + 1);
      if (!name.startsWith(namePrefix)) {
        if (compareCodePoints(name, namePrefix) > 0) return; // past every name with the prefix
        continue;
      }
      yield { name, type: info.type, info };
    }
  } catch (err) {
    if (isStrataError(err, 'FILE_NOT_FOUND')) return; // no such directory: nothing under it
    throw err;
  }
}
