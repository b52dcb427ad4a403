// strata auth activate|login|logout|whoami, auth token create|list|revoke,
// auth set|get REPO, auth admin add|remove|list, auth audit. The token is
// kept in the CLI config file (mode 0600); STRATA_TOKEN wins over it.
import type { Command } from 'commander';
import { StrataError } from '../../../src/errors/index.ts';
import { action, examples } from '../command.ts';
import { configPath, readConfig, writeConfig } from '../config.ts';
import type { Io } from '../context.ts';
import { fields, table } from '../format.ts';
import { registerAuthAdmin } from './auth-admin.ts';
import { readToken, when, withAuth } from './auth-common.ts';

async function saveToken(io: Io, token: string | undefined): Promise<string> {
  const path = configPath(io.env);
  const { token: _old, ...rest } = await readConfig(path);
  await writeConfig(path, token === undefined ? rest : { ...rest, token });
  return path;
}

export function registerAuth(program: Command, io: Io): void {
  const auth = program.command('auth').description('authentication, tokens, roles and the audit log (docs/security.md)');
  auth.addHelpText(
    'after',
    examples('strata auth activate', 'strata auth token create robot:ci --ttl 30d', 'strata auth set images reader alice', 'strata auth login < token.txt', 'strata auth whoami', 'strata auth audit --repo images --since 1h'),
  );

  auth
    .command('activate')
    .description('turn auth on; prints the root token once and logs this CLI in with it')
    .option('--no-login', 'only print the root token; do not save it in the config file')
    .action(
      action(io, async (ctx, _args, opts) => {
        const { rootToken, subject } = await withAuth(ctx, (a) => a.activate());
        const path = opts.login === false ? undefined : await saveToken(io, rootToken);
        await ctx.result({ subject, token: rootToken, savedTo: path ?? null }, () =>
          [`auth is on. The root token (${subject}), shown only now; keep it safe:`, rootToken, path ? `(this CLI is logged in with it: ${path})` : ''].filter(Boolean).join('\n'),
        );
      }),
    );

  auth
    .command('deactivate')
    .description('turn auth off: forgets every token and role (the audit log stays); admins only')
    .option('--yes', 'really (every caller may then do everything)')
    .action(
      action(io, async (ctx, _args, opts) => {
        if (opts.yes !== true) throw new StrataError('INVALID_ARGUMENT', 'auth deactivate lets every caller do everything and forgets all tokens and roles; add --yes to do it', { field: 'yes' });
        await withAuth(ctx, (a) => a.deactivate());
        await saveToken(io, undefined);
        await ctx.result({ authActive: false }, () => (ctx.quiet ? '' : 'auth is off (tokens and roles forgotten; the audit log stays)'));
      }),
    );

  auth
    .command('login')
    .description('check a token and save it in the config file (reads it from stdin unless --token)')
    .option('--token <token>', 'the token (prefer stdin: arguments show in ps and shell history)')
    .addHelpText('after', examples('strata auth login < token.txt', 'echo "$TOKEN" | strata auth login'))
    .action(
      action(io, async (ctx, _args, opts) => {
        const token = (opts.token as string | undefined) ?? (await readToken(io));
        const me = await withAuth(ctx, (a) => a.whoAmI(), token);
        if (!me.authActive) throw new StrataError('AUTH_NOT_ACTIVE', 'auth is not active on this server; there is nothing to log in to (strata auth activate)');
        const path = await saveToken(io, token);
        await ctx.result({ subject: me.subject, savedTo: path }, () => `logged in as ${me.subject} (token saved to ${path})`);
      }),
    );

  auth
    .command('logout')
    .description('forget the token saved in the config file (the token itself stays valid; revoke it to end it)')
    .action(
      action(io, async (ctx) => {
        const path = await saveToken(io, undefined);
        await ctx.result({ savedTo: path }, () => (ctx.quiet ? '' : `logged out (token removed from ${path})`));
      }),
    );

  auth
    .command('whoami')
    .description('who the token in use belongs to, and its roles')
    .action(
      action(io, async (ctx) => {
        const me = await withAuth(ctx, (a) => a.whoAmI());
        await ctx.result(me, () =>
          fields([
            ['subject', me.subject],
            ['auth', me.authActive ? 'active' : 'off (every caller may do everything)'],
            ['cluster admin', me.admin ? 'yes' : 'no'],
            ['expires', me.expiresAtMs ? when(me.expiresAtMs) : 'never'],
            ['roles', me.roles.length ? me.roles.map((r) => `${r.repo}: ${r.role}`).join(', ') : '-'],
          ]),
        );
      }),
    );

  auth
    .command('set')
    .description("set a subject's role on a repo (reader, writer, owner, or none to remove it)")
    .argument('<repo>')
    .argument('<role>', 'reader | writer | owner | none')
    .argument('<subject>', 'user:NAME, robot:NAME, or NAME for user:NAME')
    .addHelpText('after', examples('strata auth set images writer alice', 'strata auth set images reader robot:etl', 'strata auth set images none alice'))
    .action(
      action(io, async (ctx, [repo, role, subject]) => {
        await withAuth(ctx, (a) => a.setRole(repo!, role!, subject!));
        await ctx.result({ repo, role, subject }, () => (ctx.quiet ? '' : `${subject} is ${role === 'none' ? 'no longer bound on' : `${role} of`} ${repo}`));
      }),
    );

  auth
    .command('get')
    .description('the role bindings of a repo')
    .argument('<repo>')
    .action(
      action(io, async (ctx, [repo]) => {
        const roles = await withAuth(ctx, (a) => a.getRoles(repo!));
        await ctx.results(roles, () => (roles.length ? table(['SUBJECT', 'ROLE'], roles.map((r) => [r.subject, r.role])) : `no roles on ${repo} (cluster admins may still use it)`));
      }),
    );

  registerAuthAdmin(auth, io);
}
