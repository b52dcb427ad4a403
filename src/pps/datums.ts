// Splitting a pipeline's input into datums, as Pachyderm does: a pfs input
// gives one datum per glob match (a matched directory carries its subtree);
// union concatenates, cross takes the cartesian product (an empty member
// gives none), join crosses the entries whose join_on keys are equal
// (outer_join keeps an input's unmatched entries), group puts every entry
// with the same group_by key into one datum.
//
// A datum's id names its inputs and paths; its content hash covers the bytes
// (the file hashes) of everything it carries. Both are SHA-256 hex.
import { createHash, hash as oneShot, type Hash } from 'node:crypto';
import { compileDatumGlob, expandKey, type DatumGlob } from './glob.ts';
import { cronAsPfs } from './spec.ts';
import type { InputSpec, PfsInputSpec } from './spec-types.ts';

export interface IndexedFile {
  path: string;
  hash?: string;
  size?: number;
}

export interface GlobMatch {
  /** The matched path (a file or a directory); "/" for the glob "/". */
  path: string;
  /** SHA-256 over the relative paths and file hashes of everything under the match. */
  hash: string;
  captures: string[];
  files: number;
  bytes: number;
}

/** One input's part of a datum. */
export interface DatumInput {
  name: string;
  repo: string;
  branch: string;
  commit: string;
  glob: string;
  path: string;
  hash: string;
  emptyFiles: boolean;
  /** Files appear as named pipes, read from the store only when opened (lazy-inputs.ts). */
  lazy: boolean;
  files: number;
  bytes: number;
}

export interface Datum {
  id: string;
  inputs: DatumInput[];
}

/** Where matches come from: a pfs input pinned to a commit. */
export type MatchSource = (input: PfsInputSpec, glob: DatumGlob) => Promise<GlobMatch[]>;

/** The pinned commit of each pfs input, by input name (union members share a name, hence by repo@branch too). */
export type PinnedCommits = (input: PfsInputSpec) => string;

/**
 * Groups files (in path order, as a walk yields them) into the glob's
 * matches. Each file is tested at each of its ancestors; directory results
 * are cached, so a file costs one test per new directory plus one for itself.
 */
export async function matchFiles(files: AsyncIterable<IndexedFile> | Iterable<IndexedFile>, glob: DatumGlob): Promise<GlobMatch[]> {
  const found = new Map<string, MatchHash & { captures: string[]; files: number; bytes: number }>();
  const dirs = new Map<string, string[] | undefined>();
  const whole = glob.pattern.replace(/\/+$/, '') === '';
  const add = (at: string, captures: string[], f: IndexedFile): void => {
    let e = found.get(at);
    if (!e) found.set(at, (e = { text: '', h: undefined, captures, files: 0, bytes: 0 }));
    feed(e, `${at === '/' ? f.path : f.path.slice(at.length)}\0${f.hash ?? ''}\n`);
    e.files++;
    e.bytes += f.size ?? 0;
  };
  for await (const f of files) {
    if (whole) {
      add('/', [], f);
      continue;
    }
    let at = 0;
    for (;;) {
      const next = f.path.indexOf('/', at + 1);
      const prefix = next < 0 ? f.path : f.path.slice(0, next);
      let m: string[] | undefined;
      if (next < 0) m = glob.match(prefix);
      else if (dirs.has(prefix)) m = dirs.get(prefix);
      else dirs.set(prefix, (m = glob.match(prefix)));
      if (m) add(prefix, m, f);
      if (next < 0) break;
      at = next;
    }
  }
  return [...found].map(([path, e]) => ({ path, hash: digest(e), captures: e.captures, files: e.files, bytes: e.bytes }));
}

/**
 * SHA-256 of a match's text, fed in pieces. Most matches are one small file:
 * their text is hashed in one call (crypto.hash) at the end, which costs far
 * less than a Hash object each; past HASH_TEXT_MAX the text streams into one.
 */
type MatchHash = { text: string; h: Hash | undefined };
const HASH_TEXT_MAX = 1 << 16;

function feed(m: MatchHash, piece: string): void {
  if (m.h) m.h.update(piece);
  else if (m.text.length + piece.length <= HASH_TEXT_MAX) m.text += piece;
  else {
    m.h = createHash('sha256').update(m.text).update(piece);
    m.text = '';
  }
}

const digest = (m: MatchHash): string => (m.h ? m.h.digest('hex') : oneShot('sha256', m.text, 'hex'));

export function datumId(inputs: readonly Pick<DatumInput, 'name' | 'path'>[]): string {
  let text = '';
  for (const i of inputs) text += `${i.name}\0${i.path}\0\0`;
  return oneShot('sha256', text, 'hex');
}

const datum = (inputs: DatumInput[]): Datum => ({ id: datumId(inputs), inputs });

type Entry = { input: DatumInput; key: string };

/** Every datum of the input tree, in a stable order. */
export async function computeDatums(input: InputSpec, pinned: PinnedCommits, source: MatchSource): Promise<Datum[]> {
  const entries = async (p: PfsInputSpec, key?: string): Promise<Entry[]> => {
    const glob = compileDatumGlob(p.glob);
    const commit = pinned(p);
    return (await source(p, glob)).map((m) => ({
      key: key === undefined ? '' : expandKey(key, m.captures),
      input: { name: p.name, repo: p.repo, branch: p.branch, commit, glob: p.glob, path: m.path, hash: m.hash, emptyFiles: p.emptyFiles, lazy: p.lazy, files: m.files, bytes: m.bytes },
    }));
  };
  switch (input.kind) {
    case 'pfs':
      return (await entries(input.pfs)).map((e) => datum([e.input]));
    case 'union':
      return (await Promise.all(input.inputs.map((i) => computeDatums(i, pinned, source)))).flat();
    case 'cross': {
      let acc: DatumInput[][] = [[]];
      for (const member of input.inputs) {
        const ds = await computeDatums(member, pinned, source);
        acc = acc.flatMap((left) => ds.map((d) => [...left, ...d.inputs]));
        if (acc.length === 0) break;
      }
      return acc.map(datum);
    }
    case 'join':
      return joinDatums(await Promise.all(input.inputs.map(async (i) => ({ spec: (i as { pfs: PfsInputSpec }).pfs, entries: await entries((i as { pfs: PfsInputSpec }).pfs, (i as { pfs: PfsInputSpec }).pfs.joinOn) }))));
    case 'group': {
      const members = await Promise.all(input.inputs.map((i) => entries((i as { pfs: PfsInputSpec }).pfs, (i as { pfs: PfsInputSpec }).pfs.groupBy)));
      const byKey = new Map<string, DatumInput[]>();
      for (const list of members) for (const e of list) byKey.set(e.key, [...(byKey.get(e.key) ?? []), e.input]);
      return [...byKey.keys()].sort().map((k) => datum(byKey.get(k)!));
    }
    case 'cron':
      return (await entries(cronAsPfs(input.cron))).map((e) => datum([e.input]));
  }
}

function joinDatums(members: { spec: PfsInputSpec; entries: Entry[] }[]): Datum[] {
  const keys = new Set<string>();
  const byKey = members.map((m) => {
    const map = new Map<string, DatumInput[]>();
    for (const e of m.entries) {
      keys.add(e.key);
      map.set(e.key, [...(map.get(e.key) ?? []), e.input]);
    }
    return map;
  });
  const out: Datum[] = [];
  for (const key of [...keys].sort()) {
    const present = members.map((m, i) => ({ m, list: byKey[i]!.get(key) })).filter((x) => x.list !== undefined);
    // A key all inputs share is crossed; otherwise only inputs with outer_join keep their entries.
    const keep = present.length === members.length ? present : present.filter((x) => x.m.spec.outerJoin);
    if (keep.length === 0) continue;
    let acc: DatumInput[][] = [[]];
    for (const x of keep) acc = acc.flatMap((left) => x.list!.map((d) => [...left, d]));
    out.push(...acc.map(datum));
  }
  return out;
}
