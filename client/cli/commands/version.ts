// strata version, strata completion bash|zsh|fish.
import type { Command } from 'commander';
import { strataVersion } from '../../../src/version.ts';
import { action, examples } from '../command.ts';
import type { Io } from '../context.ts';
import { completionScript, parseShell, SHELLS } from '../completion.ts';
import { fields } from '../format.ts';

export function registerVersion(program: Command, io: Io): void {
  program
    .command('version')
    .description("the CLI's version and the server's (asks the server unless --client-only)")
    .option('--client-only', 'only the CLI; do not contact the server')
    .addHelpText('after', examples('strata version', 'strata version --client-only', 'strata version --json'))
    .action(
      action(io, async (ctx, _args, opts) => {
        const client = { version: strataVersion(), nodeVersion: process.version };
        if (opts.clientOnly) return ctx.result({ client }, () => fields([['client', `${client.version} (node ${client.nodeVersion})`]]));
        // The CLI's own version is useful even when the server cannot be reached: print it first.
        if (!ctx.json) await ctx.line(fields([['client', `${client.version} (node ${client.nodeVersion})`]]));
        const c = await ctx.client();
        const server = await c.serverInfo();
        if (ctx.json) await ctx.jsonDoc({ client, server: { ...server, address: ctx.address } });
        else await ctx.line(`server: ${server.version} (node ${server.nodeVersion}) at ${ctx.address}`);
      }),
    );

  program
    .command('completion')
    .description('print a shell completion script (bash, zsh or fish)')
    .argument('<shell>', SHELLS.join(', '))
    .addHelpText(
      'after',
      examples(
        'source <(strata completion bash)                                   # bash, this shell',
        'strata completion bash > ~/.local/share/bash-completion/completions/strata',
        'strata completion zsh > "${fpath[1]}/_strata"                      # zsh',
        'strata completion fish > ~/.config/fish/completions/strata.fish   # fish',
      ),
    )
    .action(
      action(io, async (ctx, [shell]) => {
        await ctx.write(completionScript(program, parseShell(shell!)));
      }),
    );
}
