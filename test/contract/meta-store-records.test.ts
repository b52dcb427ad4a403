// Stored records (records.ts): round-trips, golden v1 bytes, and refusal of
// garbage with META_CORRUPT. If a golden string changes, data already on
// disk would read differently: add a version instead.
import { describe, expect, it } from 'vitest';
import { isStrataError } from '../../src/errors/index.ts';
import { parseBranchName, parseCommitId, parseRepoName } from '../../src/ids.ts';
import * as records from '../../src/meta/records.ts';

const repo = parseRepoName('images');
const id = parseCommitId('0123456789abcdef0123456789abcdef');
const parent = parseCommitId('fedcba9876543210fedcba9876543210');
const main = parseBranchName('main');
const text = (b: Uint8Array): string => new TextDecoder().decode(b);
const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);

const commit: records.CommitRecord = {
  repo,
  id,
  branch: main,
  parent,
  origin: 'user',
  description: 'add cats',
  state: 'finished',
  startedAt: 1700000000000,
  finishedAt: 1700000001000,
  size: 42,
  fileCount: 2,
  indexRoot: 'ab'.repeat(32),
  provenance: [{ repo: parseRepoName('raw'), commit: parent }],
  metadata: { 'z-key': '1', a: 'x' },
};

function expectCorrupt(fn: () => unknown, ...fragments: string[]): void {
  let thrown: unknown;
  try {
    fn();
  } catch (err) {
    thrown = err;
  }
  expect(isStrataError(thrown, 'META_CORRUPT'), `expected META_CORRUPT, got ${String(thrown)}`).toBe(true);
  for (const f of fragments) expect((thrown as Error).message).toContain(f);
}

describe('records', () => {
  it('pins the v1 encodings (golden)', () => {
    expect(text(records.encodeRepo({ name: repo, description: 'pics', createdAt: 5 }))).toBe('{"v":1,"name":"images","description":"pics","createdAt":5}');
    expect(text(records.encodeBranch({ repo, name: main, head: id, provenance: [{ repo: parseRepoName('raw'), branch: main }], createdAt: 6 }))).toBe(
      `{"v":1,"repo":"images","name":"main","head":"${id}","provenance":[{"repo":"raw","branch":"main"}],"createdAt":6}`,
    );
    expect(text(records.encodeCommit(commit))).toBe(
      `{"v":1,"repo":"images","id":"${id}","branch":"main","parent":"${parent}","origin":"user","description":"add cats",` +
        `"state":"finished","startedAt":1700000000000,"finishedAt":1700000001000,"size":42,"fileCount":2,"indexRoot":"${'ab'.repeat(32)}",` +
        `"provenance":[{"repo":"raw","commit":"${parent}"}],"metadata":{"a":"x","z-key":"1"}}`,
    );
    expect(text(records.encodeMetaVersion({ layout: 1 }))).toBe('{"v":1,"layout":1}');
  });

  it('round-trips every record', () => {
    const repoRec = { name: repo, description: 'd', createdAt: 1 };
    expect(records.decodeRepo(records.encodeRepo(repoRec))).toEqual(repoRec);
    const branch = { repo, name: main, head: null, provenance: [], createdAt: 2 };
    expect(records.decodeBranch(records.encodeBranch(branch))).toEqual(branch);
    expect(records.decodeCommit(records.encodeCommit(commit))).toEqual(commit);
    const open = { ...commit, state: 'open' as const, finishedAt: null, indexRoot: null, branch: null, parent: null };
    expect(records.decodeCommit(records.encodeCommit(open))).toEqual(open);
    expect(records.decodeMetaVersion(records.encodeMetaVersion({ layout: 1 }))).toEqual({ layout: 1 });
  });

  it('refuses garbage with META_CORRUPT, naming the record, field and key', () => {
    expectCorrupt(() => records.decodeRepo(new Uint8Array([0xff, 0xfe])), 'not UTF-8 JSON');
    expectCorrupt(() => records.decodeRepo(utf8('{"v":1')), 'repo record');
    expectCorrupt(() => records.decodeRepo(utf8('[1]')), 'not a JSON object');
    expectCorrupt(() => records.decodeRepo(utf8('{"name":"x","description":"","createdAt":1}')), 'no version');
    expectCorrupt(() => records.decodeRepo(utf8('{"v":2,"name":"x"}')), 'version 2, expected version 1');
    expectCorrupt(() => records.decodeRepo(utf8('{"v":1,"name":"a b","description":"","createdAt":1}'), 'repo/a b'), 'at "repo/a b"', 'field "name"');
    expectCorrupt(() => records.decodeBranch(utf8('{"v":1,"repo":"r","name":"main","head":"nothex","provenance":[],"createdAt":1}')), 'field "head"');
    expectCorrupt(() => records.decodeBranch(utf8('{"v":1,"repo":"r","name":"main","head":null,"provenance":[{}],"createdAt":1}')), 'provenance[0]', 'field "repo"');
    const bad = (patch: object): Uint8Array => utf8(JSON.stringify({ ...JSON.parse(text(records.encodeCommit(commit))), ...patch }));
    expectCorrupt(() => records.decodeCommit(bad({ size: -1 })), 'field "size"');
    expectCorrupt(() => records.decodeCommit(bad({ size: 1.5 })), 'field "size"');
    expectCorrupt(() => records.decodeCommit(bad({ origin: 'alien' })), 'field "origin"', 'user, auto, squash');
    expectCorrupt(() => records.decodeCommit(bad({ state: 'open' })), 'field "finishedAt"');
    expectCorrupt(() => records.decodeCommit(bad({ metadata: { k: 1 } })), 'field "metadata.k"');
    expectCorrupt(() => records.decodeCommit(bad({ provenance: 'x' })), 'field "provenance" must be an array');
  });

  it('refuses to write a record it could not read back', () => {
    let thrown: unknown;
    try {
      records.encodeCommit({ ...commit, size: Number.NaN });
    } catch (err) {
      thrown = err;
    }
    expect(isStrataError(thrown, 'INTERNAL')).toBe(true);
    expect((thrown as Error).message).toContain('field "size"');
  });
});
