// Commit pages: the log of a ref (paged by commit id), one commit with its
// changes against its parent (paged by path), and its provenance graph.
import type { FastifyInstance } from 'fastify';
import { formatRef } from '../../../src/ref.ts';
import type { ConsoleContext } from '../context.ts';
import { commitParam, queryString, refParam, repoParam } from '../params.ts';
import { changePage, take } from '../queries.ts';
import { commitRef } from '../refs.ts';
import { urls } from '../urls.ts';
import { commitView, logView } from '../views/commits.ts';
import { provenanceView } from '../views/provenance.ts';
import { provenanceGraph } from '../provenance.ts';

const LOG_PAGE = 50;
const CHANGES_PAGE = 200;

export function registerCommitRoutes(app: FastifyInstance, ctx: ConsoleContext): void {
  const { pfs } = ctx;

  app.get<{ Params: { repo: string; ref: string }; Querystring: { from?: string } }>('/repos/:repo/log/:ref', async (req, reply) => {
    const repo = repoParam(req.params.repo);
    const ref = refParam(repo, req.params.ref);
    const from = queryString(req.query, 'from');
    const start = from ? commitRef(repo, commitParam(from)) : ref;
    const { items, more } = await take(pfs.log(start, { limit: LOG_PAGE + 1 }), LOG_PAGE);
    const refText = formatRef(ref).slice(repo.length + 1);
    return ctx.page(req, reply, {
      title: `Log of ${repo}@${refText}`,
      crumbs: [{ label: 'Repos', href: urls.home() }, { label: repo, href: urls.repo(repo) }, { label: `log ${refText}` }],
      body: logView(repo, refText, items, more?.id ?? null),
    });
  });

  app.get<{ Params: { repo: string; id: string } }>('/repos/:repo/commits/:id', async (req, reply) => {
    const repo = repoParam(req.params.repo);
    const id = commitParam(req.params.id);
    const ref = commitRef(repo, id);
    const after = queryString(req.query, 'after');
    const [found, allSubvenance, changes] = await Promise.all([pfs.inspectCommit(ref), pfs.subvenance(ref), changePage(pfs, ref, undefined, after, CHANGES_PAGE)]);
    // Provenance names only repos the viewer may read.
    const readable = async <T extends { repo: string }>(list: T[]): Promise<T[]> => {
      const ok = await Promise.all(list.map((p) => ctx.mayRead(req, p.repo)));
      return list.filter((_, i) => ok[i]);
    };
    const commit = { ...found, provenance: await readable(found.provenance) };
    const subvenance = await readable(allSubvenance);
    const page = { ...changes, nextHref: changes.next ? urls.commit(repo, id, changes.next) : null };
    return ctx.page(req, reply, {
      title: `Commit ${id.slice(0, 10)} of ${repo}`,
      crumbs: [{ label: 'Repos', href: urls.home() }, { label: repo, href: urls.repo(repo) }, ...(commit.branch ? [{ label: commit.branch, href: urls.log(repo, commit.branch) }] : []), { label: id.slice(0, 10) }],
      body: commitView(commit, subvenance.map((s) => ({ repo: s.repo, commit: s.commit })), page),
    });
  });

  app.get<{ Params: { repo: string; id: string } }>('/repos/:repo/commits/:id/provenance', async (req, reply) => {
    const repo = repoParam(req.params.repo);
    const id = commitParam(req.params.id);
    const graph = await provenanceGraph(pfs, commitRef(repo, id), (r) => ctx.mayRead(req, r));
    return ctx.page(req, reply, {
      title: `Provenance of ${repo}@${id.slice(0, 10)}`,
      crumbs: [{ label: 'Repos', href: urls.home() }, { label: repo, href: urls.repo(repo) }, { label: id.slice(0, 10), href: urls.commit(repo, id) }, { label: 'provenance' }],
      body: provenanceView(graph),
    });
  });
}
