// Pinning and listing the inputs of a run. Every ref is resolved to an exact
// commit id before anything else, so the run reads the same bytes however
// the branches move meanwhile, and the output's provenance names them.
//
// Globs follow Pachyderm: a pattern selects files and directories, and a
// selected directory brings every file below it (`/*` is the whole tree,
// `/2024/*` every file under /2024). The server's GlobFile matches files
// only, so the client walks the pattern's literal prefix and matches each
// file and its ancestors with the same picomatch settings the server uses.
import { posix } from 'node:path';
import picomatch from 'picomatch';
import { StrataError, isStrataError } from '../../src/errors/index.ts';
import { literalPrefix } from '../../src/index/index-list.ts';
import { parseRef } from '../../src/ref.ts';
import type { StrataClient } from '../sdk/index.ts';
import type { RunInput } from './spec.ts';

export interface InputFile {
  /** Path in the commit, e.g. `/a/b.csv`. */
  path: string;
  size: number;
  /** The file's content hash: the key of the local cache. */
  hash: string;
}

export interface PinnedInput extends RunInput {
  repo: string;
  /** The exact commit id the ref named when the run started. */
  commit: string;
}

export interface ListedInput extends PinnedInput {
  files: InputFile[];
  bytes: number;
  /** The directory walked to find them (see walkRoot), and the bytes of every file under it. */
  walked: { root: string; bytes: number };
}

/** Resolves every input's ref to a commit id (all of them, before listing any). */
export async function pinInputs(client: StrataClient, inputs: RunInput[]): Promise<PinnedInput[]> {
  return Promise.all(
    inputs.map(async (i) => {
      const c = await client.inspectCommit(i.ref).catch((err: unknown) => {
        if (!isStrataError(err)) throw err;
        throw new StrataError(err.code, `input ${i.name} (${i.ref}): ${err.message}`, { ...err.data, input: i.name }, { cause: err });
      });
      return { ...i, repo: parseRef(i.ref).repo, commit: c.id };
    }),
  );
}

/** `matches(path)` for a glob: the path itself or one of its ancestor directories matches. */
export function selector(glob: string): (path: string) => boolean {
  if (glob === '/') return () => true;
  let isMatch: (p: string) => boolean;
  try {
    const m = picomatch(glob.replace(/\/+$/, '').slice(1), { dot: true });
    isMatch = (p) => m(p.slice(1));
  } catch (err) {
    throw new StrataError('INVALID_GLOB', `invalid glob "${glob}": ${err instanceof Error ? err.message : String(err)}`, { input: glob }, { cause: err });
  }
  return (path) => {
    for (let p = path; p !== '/' && p !== ''; p = posix.dirname(p)) if (isMatch(p)) return true;
    return false;
  };
}

/** The directory every match lies under: the literal prefix up to its last `/`. */
export function walkRoot(glob: string): string {
  const literal = literalPrefix(glob.replace(/\/+$/, '') || '/');
  const fixed = literal === glob.replace(/\/+$/, '') ? literal : literal.slice(0, literal.lastIndexOf('/') + 1);
  return fixed.length > 1 ? fixed.replace(/\/+$/, '') : '/';
}

/** The files of one pinned input that its glob selects, in path order. */
export async function listInput(client: StrataClient, input: PinnedInput): Promise<ListedInput> {
  const at = `${input.repo}@${input.commit}`;
  const root = walkRoot(input.glob);
  const matches = selector(input.glob);
  const files: InputFile[] = [];
  let bytes = 0;
  let walkedBytes = 0;
  const add = (path: string, size: number | undefined, hash: string): void => {
    files.push({ path, size: size ?? 0, hash });
    bytes += size ?? 0;
  };
  // A literal pattern may name a single file: walking it would find nothing.
  const top = root === '/' ? undefined : await client.inspectFile(`${at}:${root}`).catch((err: unknown) => {
    if (isStrataError(err) && err.kind === 'NotFound') return undefined;
    throw err;
  });
  if (top?.type === 'file') {
    if (matches(top.path)) add(top.path, top.sizeBytes, top.hash);
    walkedBytes = bytes;
  } else if (root === '/' || top !== undefined) {
    for await (const f of client.walk(`${at}:${root}`)) {
      if (f.type !== 'file') continue;
      walkedBytes += f.sizeBytes ?? 0;
      if (matches(f.path)) add(f.path, f.sizeBytes, f.hash);
    }
  }
  return { ...input, files, bytes, walked: { root, bytes: walkedBytes } };
}
