// strata branch create|list|inspect|delete|reset
import type { Command } from 'commander';
import type { BranchInfo } from '../../sdk/index.ts';
import { action, collect, examples } from '../command.ts';
import type { Io } from '../context.ts';
import { fields, relativeTime, table } from '../format.ts';

const provenanceText = (b: BranchInfo): string => (b.provenance.length > 0 ? b.provenance.map((p) => `${p.repo}@${p.name}`).join(', ') : '-');

export function registerBranch(program: Command, io: Io): void {
  const branch = program.command('branch').description('create, list, inspect, reset and delete branches');
  branch.addHelpText('after', examples('strata branch create images@dev --from images@main', 'strata branch list images', 'strata branch reset images@main images@main^', 'strata branch delete images@dev'));

  branch
    .command('create')
    .description('create a branch, optionally at a commit')
    .argument('<repo@branch>')
    .option('--from <ref>', 'start at this commit (e.g. images@main, images@main^2, images@<id>)')
    .option('--provenance <repo@branch>', 'a branch this one is derived from (repeatable)', collect)
    .addHelpText('after', examples('strata branch create images@dev', 'strata branch create images@v1 --from images@main^'))
    .action(
      action(io, async (ctx, [name], opts) => {
        const info = await (await ctx.client()).createBranch(name!, { from: opts.from, provenance: opts.provenance });
        await ctx.result(info, () => (ctx.quiet ? '' : `created branch ${info.repo}@${info.name}${info.head ? ` at ${info.head}` : ' (no commits yet)'}`));
      }),
    );

  branch
    .command('list')
    .alias('ls')
    .description("list a repo's branches")
    .argument('<repo>')
    .addHelpText('after', examples('strata branch list images'))
    .action(
      action(io, async (ctx, [repo]) => {
        const branches = await (await ctx.client()).listBranches(repo!);
        await ctx.results(branches, () =>
          branches.length === 0
            ? `no branches in ${repo} (the first put to REPO@main makes one)`
            : table(
                ['BRANCH', 'HEAD', 'CREATED', 'PROVENANCE'],
                branches.map((b) => [b.name, b.head ?? '-', relativeTime(b.createdAtMs), provenanceText(b)]),
              ),
        );
      }),
    );

  branch
    .command('inspect')
    .description('show a branch')
    .argument('<repo@branch>')
    .addHelpText('after', examples('strata branch inspect images@main'))
    .action(
      action(io, async (ctx, [name]) => {
        const b = await (await ctx.client()).inspectBranch(name!);
        await ctx.result(b, () =>
          fields([
            ['branch', `${b.repo}@${b.name}`],
            ['head', b.head ?? '- (no commits yet)'],
            ['created', relativeTime(b.createdAtMs)],
            ['provenance', provenanceText(b)],
          ]),
        );
      }),
    );

  branch
    .command('reset')
    .description("move a branch's head to another commit (the old head stays reachable by id)")
    .argument('<repo@branch>')
    .argument('<ref>', 'the commit to move to: images@main^, images@v1 (a tag), images@<id>, images@other-branch')
    .option('--expect-head <commit>', 'move only if the head is still this commit (compare-and-set; exit 6 otherwise)')
    .addHelpText('after', examples('strata branch reset images@main images@main^', 'strata branch reset images@main images@v1 --expect-head 0f3c5a1e9b2d4c6f8a0b1c2d3e4f5a6b'))
    .action(
      action(io, async (ctx, [name, to], opts) => {
        const r = await (await ctx.client()).resetBranch(name!, to!, { expectedHead: opts.expectHead });
        const b = r.branch;
        await ctx.result(r, () => {
          if (ctx.quiet) return '';
          const from = r.previousHead ?? 'no commit';
          const undo = r.previousHead ? `; undo: strata branch reset ${b.repo}@${b.name} ${b.repo}@${r.previousHead}` : '';
          return `moved ${b.repo}@${b.name} from ${from} to ${b.head ?? '-'}${undo}`;
        });
      }),
    );

  branch
    .command('delete')
    .alias('rm')
    .description('delete a branch (its commits stay reachable by id)')
    .argument('<repo@branch>')
    .addHelpText('after', examples('strata branch delete images@dev'))
    .action(
      action(io, async (ctx, [name]) => {
        await (await ctx.client()).deleteBranch(name!);
        await ctx.result({ deleted: name }, () => (ctx.quiet ? '' : `deleted branch ${name}`));
      }),
    );
}
