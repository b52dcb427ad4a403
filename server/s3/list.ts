// Listing keys: every key (or common prefix) of a bucket view after a start
// key, in S3 order. With delimiter `/` only the one directory under the
// prefix is read; without one, directories are walked in S3 order; any other
// delimiter rolls up the walk's keys.
import { compareCodePoints } from '../../src/ids.ts';
import type { Pfs } from '../../src/pfs/pfs.ts';
import type { FileInfo } from '../../src/pfs/types.ts';
import type { Ref } from '../../src/ref.ts';
import { childKey, childrenFrom, inS3Order, type Child } from './list-order.ts';

export type Listed = { key: string; file: FileInfo } | { prefix: string };

function startsAfter(key: string, after: string | undefined): boolean {
  return after === undefined || compareCodePoints(key, after) > 0;
}

/** Every file under directory `dirKey` in S3 order, after `afterRel` (relative) when given. */
async function* walk(pfs: Pfs, ref: Ref, dirKey: string, namePrefix: string, after: string | undefined): AsyncGenerator<{ key: string; file: FileInfo }> {
  const afterRel = after === '' ? undefined : after; // every key sorts after ''
  // A start key inside a subdirectory: finish that subdirectory first (its keys sort before the rest).
  if (afterRel !== undefined && compareCodePoints(afterRel, namePrefix) >= 0) {
    const slash = afterRel.indexOf('/');
    if (slash >= 0) {
      const sub = `${dirKey}${afterRel.slice(0, slash + 1)}`;
      yield* walk(pfs, ref, sub, '', afterRel.slice(slash + 1));
    }
  }
  for await (const c of inS3Order(childrenFrom(pfs, ref, dirKey, namePrefix, afterRel))) {
    const rel = childKey(c);
    if (c.type === 'file') {
      if (startsAfter(rel, afterRel)) yield { key: dirKey + rel, file: c.info };
    } else if (afterRel === undefined || !afterRel.startsWith(rel)) {
      if (startsAfter(rel, afterRel)) yield* walk(pfs, ref, dirKey + rel, '', undefined);
    }
  }
}

/** Keys and common prefixes under `prefix`, after `after`, in S3 order. */
export async function* listKeys(pfs: Pfs, ref: Ref, prefix: string, delimiter: string | undefined, after: string | undefined): AsyncGenerator<Listed> {
  if (after !== undefined && compareCodePoints(after, prefix) >= 0 && !after.startsWith(prefix)) return; // every key with the prefix sorts before `after`
  if (prefix.startsWith('/') || prefix.includes('//')) return; // keys are normalised paths: none starts with '/' or holds '//'
  const cut = prefix.lastIndexOf('/') + 1;
  const dirKey = prefix.slice(0, cut);
  const namePrefix = prefix.slice(cut);
  const afterRel = after !== undefined && after.startsWith(dirKey) && after !== dirKey ? after.slice(dirKey.length) : undefined;
  if (delimiter === '/') {
    for await (const c of inS3Order(childrenFrom(pfs, ref, dirKey, namePrefix, afterRel))) {
      const key = dirKey + childKey(c);
      if (!startsAfter(key, after) || (c.type === 'dir' && after?.startsWith(key))) continue;
      yield c.type === 'file' ? { key, file: c.info } : { prefix: key };
    }
    return;
  }
  let last: string | undefined;
  for await (const item of walk(pfs, ref, dirKey, namePrefix, afterRel)) {
    if (delimiter) {
      const at = item.key.indexOf(delimiter, prefix.length);
      if (at >= 0) {
        const cp = item.key.slice(0, at + delimiter.length);
        if (cp !== last && !(after !== undefined && after.startsWith(cp))) yield { prefix: cp };
        last = cp;
        continue;
      }
    }
    yield item;
  }
}

export type { Child };
