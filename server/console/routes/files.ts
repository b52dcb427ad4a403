// The file browser: /repos/:repo/files/:ref/<path> shows a directory (one
// page of the core's ranged listing) or a file (preview); raw/ streams the
// bytes; history/ lists the commits that changed a path.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { FilePath, RepoName } from '../../../src/ids.ts';
import { formatRef, type Ref } from '../../../src/ref.ts';
import type { ConsoleContext } from '../context.ts';
import { commitParam, pathParam, positiveInt, queryString, refParam, repoParam } from '../params.ts';
import { PREVIEW_CAP, imageType, previewKind, readHead } from '../preview.ts';
import { pathHistory, take } from '../queries.ts';
import { commitRef } from '../refs.ts';
import { dirView, fileView, historyView, pathCrumbs, type Where } from '../views/files.ts';
import { renderPreview } from '../views/preview.ts';

export const DIR_PAGE = 100;
const HISTORY_SCAN = 100;

type PathParams = { repo: string; ref: string; '*'?: string };

/** Parses repo, ref and path, and pins the ref to one commit so the whole page reads one snapshot. */
async function locate(ctx: ConsoleContext, req: FastifyRequest<{ Params: PathParams }>): Promise<{ where: Where; at: Ref; path: FilePath; repo: RepoName }> {
  const repo = repoParam(req.params.repo);
  const ref = refParam(repo, req.params.ref);
  const path = pathParam(req.params['*']);
  const commit = await ctx.pfs.inspectCommit(ref);
  const refText = formatRef(ref).slice(repo.length + 1);
  return { where: { repo, ref: refText, commit }, at: commitRef(repo, commit.id), path, repo };
}

/** `filename*` carries any name (RFC 6266/5987); the plain one is an ASCII stand-in for old clients. */
function contentDisposition(kind: 'inline' | 'attachment', name: string): string {
  const ascii = name.replace(/[^\x20-\x7e]|["\\%]/g, '_');
  return `${kind}; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`;
}

export function registerFileRoutes(app: FastifyInstance, ctx: ConsoleContext): void {
  const { pfs } = ctx;

  const browse = async (req: FastifyRequest<{ Params: PathParams }>, reply: FastifyReply) => {
    const { where, at, path } = await locate(ctx, req);
    const info = await pfs.inspectFile(at, path);
    const crumbs = pathCrumbs(where, path);
    const title = `${where.repo}@${where.ref}:${path}`;
    if (info.type === 'dir') {
      const after = queryString(req.query, 'after');
      const { items, more } = await take(pfs.listFiles(at, path, { after, limit: DIR_PAGE + 1 }), DIR_PAGE);
      const first = after === undefined ? 1 : positiveInt(queryString(req.query, 'at'));
      const next = more && items.length ? items[items.length - 1]!.path.slice(path === '/' ? 1 : path.length + 1) : null;
      return ctx.page(req, reply, { title, crumbs, body: dirView(where, path, items, { after, next, first }) });
    }
    const kind = previewKind(path);
    const size = info.size ?? 0;
    const head = kind === 'image' ? Buffer.alloc(0) : await readHead(pfs, at, path, size, PREVIEW_CAP[kind]);
    const preview = renderPreview({ repo: where.repo, ref: where.ref, path, size, kind, head });
    return ctx.page(req, reply, { title, crumbs, body: fileView(where, info, preview) });
  };
  app.get('/repos/:repo/files/:ref', browse);
  app.get('/repos/:repo/files/:ref/*', browse);

  app.get<{ Params: PathParams }>('/repos/:repo/raw/:ref/*', async (req, reply) => {
    const { at, path } = await locate(ctx, req);
    const info = await pfs.inspectFile(at, path);
    const stream = await pfs.getFile(at, path);
    const name = path.slice(path.lastIndexOf('/') + 1);
    const image = queryString(req.query, 'inline') === '1' ? imageType(path) : undefined;
    // The bytes are the user's, never a page of ours: no sniffing, no scripts, no same-origin powers.
    reply
      .header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'; sandbox")
      .header('x-content-type-options', 'nosniff')
      .header('content-disposition', contentDisposition(image ? 'inline' : 'attachment', name))
      .header('content-length', String(info.size ?? 0))
      .type(image ?? 'application/octet-stream');
    return reply.send(stream);
  });

  app.get<{ Params: PathParams }>('/repos/:repo/history/:ref/*', async (req, reply) => {
    const { where, at, path, repo } = await locate(ctx, req);
    const from = queryString(req.query, 'from');
    const start = from ? commitRef(repo, commitParam(from)) : at;
    const { rows, next, scanned } = await pathHistory(pfs, start, path, HISTORY_SCAN);
    return ctx.page(req, reply, { title: `History of ${path}`, crumbs: [...pathCrumbs(where, path), { label: 'history' }], body: historyView(where, path, rows, next, scanned) });
  });
}
