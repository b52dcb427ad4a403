// Splitting the addresses the SDK takes (`repo@branch:/path`) into the
// parts the wire wants, after checking them with the one ref parser, so a
// malformed address fails here with the same code the server would send.
import { StrataError } from '../../src/errors/index.ts';
import { parseRef, type Ref } from '../../src/ref.ts';

/** A ref that must carry a path: returns it parsed, with the raw target and path text. */
export function fileRef(input: string, what = 'file'): { ref: Ref; target: string; path: string } {
  const ref = parseRef(input);
  if (ref.path === null) throw new StrataError('INVALID_REF', `invalid ${what} ref "${input}": a path is wanted, as in "repo@branch:/path"`, { input });
  const colon = input.indexOf(':');
  return { ref, target: input.slice(0, colon), path: input.slice(colon + 1) };
}

/** A ref naming a commit (any form), without a path. */
export function commitRef(input: string): string {
  const ref = parseRef(input);
  if (ref.path !== null) throw new StrataError('INVALID_REF', `invalid ref "${input}": a commit is wanted here, without ":/path"`, { input });
  return input;
}

/** Checks a write target: `repo@branch` or `repo@<commit id>`, without ancestry or path. */
export function writeTarget(target: string): string {
  const ref = parseRef(target);
  if (ref.path !== null || ref.ancestry !== null || !target.includes('@')) {
    throw new StrataError('INVALID_REF', `invalid write target "${target}": expected "repo@branch" or "repo@<open commit id>" (without ancestry or path)`, { input: target });
  }
  return target;
}

/** A ref with a path to write to: the write target (`repo@branch` or `repo@<id>`) and the path. */
export function writeRef(input: string): { target: string; path: string } {
  const { target, path } = fileRef(input);
  writeTarget(target);
  return { target, path };
}

/** `repo@branch` exactly (or `repo@tag`: tags are named like branches). */
export function branchRef(input: string, what: 'branch' | 'tag' = 'branch'): string {
  const ref = parseRef(input);
  if (ref.target.kind !== 'branch' || ref.ancestry !== null || ref.path !== null || !input.includes('@')) {
    throw new StrataError('INVALID_REF', `invalid ${what} "${input}": expected "repo@${what}" (a ${what} name, without ancestry or path)`, { input });
  }
  return input;
}
