// strata tag create|list|inspect|delete: immutable names for commits, as
// lakectl has. `repo@tag` then works wherever a commit is read.
import type { Command } from 'commander';
import { action, examples } from '../command.ts';
import type { Io } from '../context.ts';
import { fields, relativeTime, table } from '../format.ts';

export function registerTag(program: Command, io: Io): void {
  const tag = program.command('tag').description('create, list, inspect and delete tags (immutable names for commits)');
  tag.addHelpText('after', examples('strata tag create images@v1 images@main', 'strata tag list images', 'strata get images@v1:/cats/1.png', 'strata tag delete images@v1'));

  tag
    .command('create')
    .description('name a finished commit; the tag never moves (delete and create it again to re-point it)')
    .argument('<repo@tag>')
    .argument('[ref]', 'the commit to name (default: REPO@main)')
    .addHelpText('after', examples('strata tag create images@v1 images@main', 'strata tag create images@before-cleanup images@main^2'))
    .action(
      action(io, async (ctx, [name, ref]) => {
        const target = ref ?? name!.split('@')[0]!; // a bare repo means REPO@main
        const t = await (await ctx.client()).createTag(name!, target);
        await ctx.result(t, () => (ctx.quiet ? '' : `created tag ${t.repo}@${t.name} at ${t.commit}`));
      }),
    );

  tag
    .command('list')
    .alias('ls')
    .description("list a repo's tags")
    .argument('<repo>')
    .addHelpText('after', examples('strata tag list images', 'strata tag list images --json'))
    .action(
      action(io, async (ctx, [repo]) => {
        const tags = await (await ctx.client()).listTags(repo!);
        await ctx.results(tags, () =>
          tags.length === 0 ? `no tags in ${repo}` : table(['TAG', 'COMMIT', 'CREATED'], tags.map((t) => [t.name, t.commit, relativeTime(t.createdAtMs)])),
        );
      }),
    );

  tag
    .command('inspect')
    .description('show a tag')
    .argument('<repo@tag>')
    .action(
      action(io, async (ctx, [name]) => {
        const t = await (await ctx.client()).inspectTag(name!);
        await ctx.result(t, () => fields([['tag', `${t.repo}@${t.name}`], ['commit', t.commit], ['created', relativeTime(t.createdAtMs)]]));
      }),
    );

  tag
    .command('delete')
    .alias('rm')
    .description('delete a tag (the commit stays)')
    .argument('<repo@tag>')
    .action(
      action(io, async (ctx, [name]) => {
        await (await ctx.client()).deleteTag(name!);
        await ctx.result({ deleted: name }, () => (ctx.quiet ? '' : `deleted tag ${name}`));
      }),
    );
}
