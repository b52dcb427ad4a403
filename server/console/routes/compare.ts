// Comparing two refs: the changed files (paged by path, from the core's
// diff, which skips unchanged index ranges) and a line diff of one text
// file (both sides read up to a cap; jsdiff with a bound on edit length).
import { structuredPatch } from 'diff';
import type { FastifyInstance } from 'fastify';
import { isStrataError } from '../../../src/errors/index.ts';
import type { FilePath } from '../../../src/ids.ts';
import type { Pfs } from '../../../src/pfs/pfs.ts';
import type { Ref } from '../../../src/ref.ts';
import type { ConsoleContext } from '../context.ts';
import { pathParam, queryString, refParam, repoParam } from '../params.ts';
import { decodeText, looksBinary, readHead } from '../preview.ts';
import { changePage } from '../queries.ts';
import { urls } from '../urls.ts';
import { compareView, fileDiffView, type FileDiff } from '../views/compare.ts';

const CHANGES_PAGE = 200;
export const DIFF_CAP = 512 << 10;
const MAX_EDIT_LENGTH = 5000;

async function sideOf(pfs: Pfs, ref: Ref, path: FilePath): Promise<{ size: number; bytes: Buffer | null } | null> {
  try {
    const f = await pfs.inspectFile(ref, path);
    if (f.type !== 'file') return null;
    const size = f.size ?? 0;
    return { size, bytes: size > DIFF_CAP ? null : await readHead(pfs, ref, path, size, DIFF_CAP) };
  } catch (err) {
    if (isStrataError(err, 'FILE_NOT_FOUND')) return null;
    throw err;
  }
}

function lineDiff(path: string, a: { bytes: Buffer | null } | null, b: { bytes: Buffer | null } | null): FileDiff {
  if ((a && !a.bytes) || (b && !b.bytes)) return { kind: 'too-large', cap: DIFF_CAP };
  const old = a?.bytes ?? Buffer.alloc(0);
  const cur = b?.bytes ?? Buffer.alloc(0);
  if (old.equals(cur)) return { kind: 'same' };
  if (looksBinary(old) || looksBinary(cur)) return { kind: 'binary' };
  const patch = structuredPatch(path, path, decodeText(old, false), decodeText(cur, false), undefined, undefined, { context: 3, maxEditLength: MAX_EDIT_LENGTH });
  return patch ? { kind: 'patch', patch } : { kind: 'too-different' };
}

export function registerCompareRoutes(app: FastifyInstance, ctx: ConsoleContext): void {
  const { pfs } = ctx;
  const crumbs = (repo: string) => [{ label: 'Repos', href: urls.home() }, { label: repo, href: urls.repo(repo) }, { label: 'compare' }];

  app.get<{ Params: { repo: string } }>('/repos/:repo/compare', async (req, reply) => {
    const repo = repoParam(req.params.repo);
    const base = queryString(req.query, 'base');
    const head = queryString(req.query, 'head');
    await pfs.inspectRepo(repo);
    if (!base || !head) return ctx.page(req, reply, { title: `Compare ${repo}`, crumbs: crumbs(repo), body: compareView(repo, base ?? '', head ?? '', null) });
    const changes = await changePage(pfs, refParam(repo, head), refParam(repo, base), queryString(req.query, 'after'), CHANGES_PAGE);
    const page = { ...changes, nextHref: changes.next ? urls.compare(repo, base, head, changes.next) : null };
    return ctx.page(req, reply, { title: `Compare ${base}…${head}`, crumbs: crumbs(repo), body: compareView(repo, base, head, page) });
  });

  app.get<{ Params: { repo: string } }>('/repos/:repo/compare/file', async (req, reply) => {
    const repo = repoParam(req.params.repo);
    const base = queryString(req.query, 'base') ?? '';
    const head = queryString(req.query, 'head') ?? '';
    const path = pathParam((queryString(req.query, 'path') ?? '').replace(/^\//, ''));
    // Both refs parsed before either read starts: a bad head must not leave the base's read to reject unhandled (that crashed the server).
    const baseRef = refParam(repo, base);
    const headRef = refParam(repo, head);
    const [a, b] = await Promise.all([sideOf(pfs, baseRef, path), sideOf(pfs, headRef, path)]);
    const body = fileDiffView(repo, path, { ref: base, size: a?.size ?? null }, { ref: head, size: b?.size ?? null }, lineDiff(path, a, b));
    return ctx.page(req, reply, { title: `Diff of ${path}`, crumbs: crumbs(repo), body });
  });
}
