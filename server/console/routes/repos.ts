// Repo pages: list and create (/), overview (/repos/:repo), delete with
// confirmation. Handlers parse, call the core, render.
import type { FastifyInstance } from 'fastify';
import { StrataError } from '../../../src/errors/index.ts';
import { parseRepoName } from '../../../src/ids.ts';
import type { ConsoleContext } from '../context.ts';
import { field, repoParam } from '../params.ts';
import { branchRows, repoRow, repoRows } from '../queries.ts';
import { urls } from '../urls.ts';
import { confirmDeleteView, repoListView, repoView } from '../views/repos.ts';

type RepoParams = { repo: string };

export function registerRepoRoutes(app: FastifyInstance, ctx: ConsoleContext): void {
  const { pfs } = ctx;

  app.get('/', async (req, reply) => {
    const viewer = await ctx.viewerOf(req);
    const rows = await repoRows(pfs);
    const readable = await Promise.all(rows.map((r) => ctx.mayRead(req, r.name)));
    return ctx.page(req, reply, { title: 'Repos', body: repoListView(rows.filter((_, i) => readable[i]), viewer.canWrite) });
  });

  app.post('/repos', async (req, reply) => {
    await ctx.requireWrite(req);
    const name = parseRepoName(field(req.body, 'name').trim());
    await pfs.createRepo(name, { description: field(req.body, 'description').trim() });
    await ctx.repoCreated(req, name);
    return reply.redirect(urls.repo(name), 303);
  });

  app.get<{ Params: RepoParams }>('/repos/:repo', async (req, reply) => {
    const repo = repoParam(req.params.repo);
    const viewer = await ctx.viewerOf(req);
    const [row, branches] = await Promise.all([pfs.inspectRepo(repo).then((r) => repoRow(pfs, r)), branchRows(pfs, repo)]);
    branches.sort((a, b) => (a.name === row.defaultBranch ? -1 : b.name === row.defaultBranch ? 1 : a.name < b.name ? -1 : 1));
    return ctx.page(req, reply, { title: repo, crumbs: [{ label: 'Repos', href: urls.home() }, { label: repo }], body: repoView(row, branches, viewer.canWrite, viewer.canDelete ?? viewer.canWrite) });
  });

  app.get<{ Params: RepoParams }>('/repos/:repo/delete', async (req, reply) => {
    const repo = repoParam(req.params.repo);
    await ctx.requireWrite(req);
    await pfs.inspectRepo(repo);
    const body = confirmDeleteView({ kind: 'repo', repo, action: urls.deleteRepo(repo), back: urls.repo(repo) });
    return ctx.page(req, reply, { title: `Delete ${repo}`, crumbs: [{ label: 'Repos', href: urls.home() }, { label: repo, href: urls.repo(repo) }, { label: 'delete' }], body });
  });

  app.post<{ Params: RepoParams }>('/repos/:repo/delete', async (req, reply) => {
    const repo = repoParam(req.params.repo);
    await ctx.requireWrite(req);
    if (field(req.body, 'confirm').trim() !== repo) {
      throw new StrataError('INVALID_ARGUMENT', `to delete repo "${repo}", type its name exactly in the confirmation box; nothing was deleted`, { repo });
    }
    await pfs.deleteRepo(repo, { force: field(req.body, 'force') === '1' });
    await ctx.repoDeleted(repo);
    return reply.redirect(urls.home(), 303);
  });
}
