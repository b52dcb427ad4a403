// Branch changes: create from a ref, delete with confirmation. Listing is
// part of the repo page (routes/repos.ts).
import type { FastifyInstance } from 'fastify';
import { StrataError } from '../../../src/errors/index.ts';
import { parseBranchName } from '../../../src/ids.ts';
import type { ConsoleContext } from '../context.ts';
import { branchParam, field, refParam, repoParam } from '../params.ts';
import { urls } from '../urls.ts';
import { confirmDeleteView } from '../views/repos.ts';

type BranchParams = { repo: string; branch: string };

export function registerBranchRoutes(app: FastifyInstance, ctx: ConsoleContext): void {
  const { pfs } = ctx;

  app.post<{ Params: { repo: string } }>('/repos/:repo/branches', async (req, reply) => {
    const repo = repoParam(req.params.repo);
    await ctx.requireWrite(req);
    const name = parseBranchName(field(req.body, 'name').trim());
    const from = field(req.body, 'from').trim();
    await pfs.createBranch(repo, name, from ? { from: refParam(repo, from) } : {});
    return reply.redirect(urls.repo(repo), 303);
  });

  app.get<{ Params: BranchParams }>('/repos/:repo/branches/:branch/delete', async (req, reply) => {
    const repo = repoParam(req.params.repo);
    const branch = branchParam(req.params.branch);
    await ctx.requireWrite(req);
    await pfs.inspectBranch(repo, branch);
    const body = confirmDeleteView({ kind: 'branch', repo, branch, action: urls.deleteBranch(repo, branch), back: urls.repo(repo) });
    return ctx.page(req, reply, {
      title: `Delete ${repo}@${branch}`,
      crumbs: [{ label: 'Repos', href: urls.home() }, { label: repo, href: urls.repo(repo) }, { label: `delete ${branch}` }],
      body,
    });
  });

  app.post<{ Params: BranchParams }>('/repos/:repo/branches/:branch/delete', async (req, reply) => {
    const repo = repoParam(req.params.repo);
    const branch = branchParam(req.params.branch);
    await ctx.requireWrite(req);
    if (field(req.body, 'confirm').trim() !== branch) {
      throw new StrataError('INVALID_ARGUMENT', `to delete branch ${repo}@${branch}, type "${branch}" exactly in the confirmation box; nothing was deleted`, { repo, branch });
    }
    await pfs.deleteBranch(repo, branch);
    return reply.redirect(urls.repo(repo), 303);
  });
}
