// strata fsck, strata gc, strata config, strata server.
import type { Command } from 'commander';
import { StrataError } from '../../../src/errors/index.ts';
import { action, count, examples } from '../command.ts';
import type { Io } from '../context.ts';
import { configPath, parseAddress, parseConfigKey, readConfig, resolveAddress, writeConfig, type CliConfig } from '../config.ts';
import { fields, humanSize, plural } from '../format.ts';

/** The config as shown: never the token itself. */
function redacted(config: CliConfig): CliConfig {
  return config.token ? { ...config, token: '(set; see strata auth whoami)' } : config;
}

export function registerAdmin(program: Command, io: Io): void {
  program
    .command('fsck')
    .description("check every finished commit's index and chunks (exit code 11 when a problem is found)")
    .option('--verify-data', 'also read and hash every stored chunk (slow)')
    .addHelpText('after', examples('strata fsck', 'strata fsck --verify-data --json'))
    .action(
      action(io, async (ctx, _args, opts) => {
        const r = await (await ctx.client()).fsck({ verifyData: opts.verifyData === true });
        const problems = r.problems.length + (r.data?.problems.length ?? 0);
        await ctx.result(r, () => {
          const lines = [`checked ${plural(r.commits, 'commit')}, ${plural(r.files, 'file')}${r.data ? `, ${plural(r.data.chunks, 'chunk')} in ${plural(r.data.packs, 'pack')}` : ''}: ${problems === 0 ? 'ok' : plural(problems, 'problem')}`];
          for (const p of r.problems) lines.push(`  ${p.repo}@${p.commit}${p.path ? `:${p.path}` : ''}: ${p.detail}`);
          for (const p of r.data?.problems ?? []) lines.push(`  ${p.kind} pack ${p.pack}${p.chunk ? ` chunk ${p.chunk}` : ''}: ${p.detail}`);
          return lines.join('\n');
        });
        if (problems > 0) throw new StrataError('DATA_LOSS', `fsck found ${plural(problems, 'problem')}`, { problems });
      }),
    );

  program
    .command('gc')
    .description('delete chunks no commit (or open commit) can reach')
    .option('--grace <ms>', 'keep unreferenced chunks younger than this (default: one hour)', count('--grace'))
    .addHelpText('after', examples('strata gc', 'strata gc --grace 0 --json'))
    .action(
      action(io, async (ctx, _args, opts) => {
        const r = await (await ctx.client()).gc({ graceMs: opts.grace });
        await ctx.result(r, () =>
          `freed ${humanSize(r.deadBytes)} (${plural(r.deadChunks, 'dead chunk')}; ${plural(r.liveChunks, 'live chunk')} in ${plural(r.commits, 'commit')}; ${r.packsDeleted} packs deleted, ${r.packsRepacked} repacked)`,
        );
      }),
    );

  const config = program.command('config').description('the server address the CLI uses (stored in ~/.config/strata/config.json or $STRATA_CONFIG)');
  config.addHelpText('after', examples('strata config set address 10.0.0.5:7730', 'strata config get', 'strata config get address'));
  config
    .command('set')
    .description('set a config value')
    .argument('<key>', 'address')
    .argument('<value>', 'HOST:PORT')
    .addHelpText('after', examples('strata config set address 10.0.0.5:7730'))
    .action(
      action(io, async (ctx, [key, value]) => {
        parseConfigKey(key!);
        const path = configPath(io.env);
        const current = await readConfig(path);
        const next = { ...current, address: parseAddress(value!) };
        await writeConfig(path, next);
        await ctx.result({ path, config: redacted(next) }, () => (ctx.quiet ? '' : `address = ${next.address} (saved to ${path})`));
      }),
    );
  config
    .command('get')
    .description('show the config (or one key) and the address in use')
    .argument('[key]', 'address')
    .addHelpText('after', examples('strata config get', 'strata config get address', 'strata config get --json'))
    .action(
      action(io, async (ctx, [key]) => {
        if (key !== undefined) parseConfigKey(key);
        const path = configPath(io.env);
        const stored = await readConfig(path);
        const { address, source } = await resolveAddress(ctx.globals.address, io.env);
        if (key !== undefined) return ctx.result({ address }, () => address);
        await ctx.result({ path, config: redacted(stored), address, source }, () =>
          fields([
            ['config file', path],
            ['stored address', stored.address ?? '-'],
            ['address in use', `${address} (from ${source})`],
          ]),
        );
      }),
    );

  program
    .command('server')
    .description('run the Strata server (embedded LevelDB + local chunk store, or S3 chunks)')
    .allowUnknownOption()
    .allowExcessArguments()
    .helpOption('-h, --help', 'show help')
    .addHelpText(
      'after',
      `
The server parses its own flags: \`strata server --help\` lists them, each with
the environment variable it overrides (flags win over the environment).
${examples('strata server', 'strata server --data /var/lib/strata --grpc 0.0.0.0:7730', 'strata server --s3-endpoint http://127.0.0.1:9000 --s3-bucket strata')}`,
    )
    .action(() => {
      // bin/strata.js runs `strata server ...` itself, in its own process, before
      // the CLI loads: only a `server` that is not the first word gets here.
      throw new StrataError('INVALID_ARGUMENT', '`server` must be the first word: strata server [flags]', {});
    });
}
