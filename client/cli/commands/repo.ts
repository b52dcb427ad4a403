// strata repo create|list|inspect|delete
import type { Command } from 'commander';
import type { RepoInfo } from '../../sdk/index.ts';
import { action, examples } from '../command.ts';
import type { Io } from '../context.ts';
import { fields, humanSize, relativeTime, table } from '../format.ts';

function repoFields(r: RepoInfo): string {
  return fields([
    ['name', r.name],
    ['description', r.description || '-'],
    ['created', `${relativeTime(r.createdAtMs)} (${new Date(r.createdAtMs).toISOString()})`],
    ['size', `${humanSize(r.sizeBytes)} (head of main)`],
    ['branches', r.branches.length > 0 ? r.branches.join(', ') : '-'],
  ]);
}

export function registerRepo(program: Command, io: Io): void {
  const repo = program.command('repo').description('create, list, inspect and delete repos');
  repo.addHelpText('after', examples('strata repo create images -d "cat pictures"', 'strata repo list', 'strata repo inspect images', 'strata repo delete images'));

  repo
    .command('create')
    .description('create an empty repo')
    .argument('<name>', 'letters, digits, "_" and "-"; at most 63 characters')
    .option('-d, --description <text>', 'what the repo holds')
    .addHelpText('after', examples('strata repo create images', 'strata repo create logs -d "web server logs"'))
    .action(
      action(io, async (ctx, [name], opts) => {
        const info = await (await ctx.client()).createRepo(name!, { description: opts.description });
        await ctx.result(info, () => (ctx.quiet ? '' : `created repo ${info.name}`));
      }),
    );

  repo
    .command('list')
    .alias('ls')
    .description('list repos')
    .addHelpText('after', examples('strata repo list', 'strata repo list --json'))
    .action(
      action(io, async (ctx) => {
        const repos = await (await ctx.client()).listRepos();
        await ctx.results(repos, () =>
          repos.length === 0
            ? 'no repos (create one with: strata repo create NAME)'
            : table(
                ['NAME', 'CREATED', 'SIZE', 'BRANCHES', 'DESCRIPTION'],
                repos.map((r) => [r.name, relativeTime(r.createdAtMs), humanSize(r.sizeBytes), String(r.branches.length), r.description]),
              ),
        );
      }),
    );

  repo
    .command('inspect')
    .description('show a repo')
    .argument('<name>')
    .addHelpText('after', examples('strata repo inspect images'))
    .action(
      action(io, async (ctx, [name]) => {
        const info = await (await ctx.client()).inspectRepo(name!);
        await ctx.result(info, () => repoFields(info));
      }),
    );

  repo
    .command('delete')
    .alias('rm')
    .description('delete a repo with its branches and commits')
    .argument('<name>')
    .option('-f, --force', 'delete even when other repos have it as provenance')
    .addHelpText('after', examples('strata repo delete images'))
    .action(
      action(io, async (ctx, [name], opts) => {
        await (await ctx.client()).deleteRepo(name!, { force: opts.force === true });
        await ctx.result({ deleted: name }, () => (ctx.quiet ? '' : `deleted repo ${name}`));
      }),
    );
}
