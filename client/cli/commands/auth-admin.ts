// strata auth token create|list|revoke, auth admin add|remove|list, auth audit.
import type { Command } from 'commander';
import { action, count, examples } from '../command.ts';
import type { Io } from '../context.ts';
import { table } from '../format.ts';
import { parseTime, parseTtl, when, withAuth } from './auth-common.ts';

export function registerAuthAdmin(auth: Command, io: Io): void {
  const token = auth.command('token').description('make, list and revoke tokens (robots, scripts, other users)');
  token
    .command('create')
    .description('make a token for a subject and print it (shown only now)')
    .argument('<subject>', 'robot:NAME, user:NAME, or NAME for user:NAME')
    .option('--ttl <duration>', 'it expires after this long: 90s, 15m, 12h, 30d (default: never, or your own token\'s expiry)')
    .option('-d, --description <text>', 'what the token is for')
    .addHelpText('after', examples('strata auth token create robot:ci --ttl 30d -d "CI uploads"', 'strata auth token create alice --ttl 12h'))
    .action(
      action(io, async (ctx, [subject], opts) => {
        const ttlMs = opts.ttl === undefined ? undefined : parseTtl(opts.ttl as string, '--ttl');
        const made = await withAuth(ctx, (a) => a.createToken(subject!, { ttlMs, description: opts.description as string | undefined }));
        await ctx.result(made, () => made.token);
      }),
    );
  token
    .command('list')
    .description('tokens (admins: all; others: their own); ids only, never the tokens')
    .option('--subject <subject>', 'only this subject\'s')
    .action(
      action(io, async (ctx, _args, opts) => {
        const tokens = await withAuth(ctx, (a) => a.listTokens({ subject: opts.subject as string | undefined }));
        await ctx.results(tokens, () =>
          table(
            ['ID', 'SUBJECT', 'EXPIRES', 'CREATED BY', 'DESCRIPTION'],
            tokens.map((t) => [t.id.slice(0, 16), t.subject, t.expiresAtMs ? when(t.expiresAtMs) : 'never', t.createdBy, t.description]),
          ),
        );
      }),
    );
  token
    .command('revoke')
    .description('revoke a token by id (a unique prefix of 8+ hex digits) or by the token itself; refused from the next request on')
    .argument('<id>')
    .action(
      action(io, async (ctx, [id]) => {
        const t = await withAuth(ctx, (a) => a.revokeToken(id!));
        await ctx.result(t, () => (ctx.quiet ? '' : `revoked token ${t.id.slice(0, 16)} of ${t.subject}`));
      }),
    );

  const admin = auth.command('admin').description('cluster admins (may do everything on every repo)');
  for (const [verb, on] of [['add', true], ['remove', false]] as const) {
    admin
      .command(verb)
      .description(on ? 'make a subject a cluster admin' : 'stop a subject being a cluster admin')
      .argument('<subject>')
      .action(
        action(io, async (ctx, [subject]) => {
          await withAuth(ctx, (a) => a.setAdmin(subject!, on));
          await ctx.result({ subject, admin: on }, () => (ctx.quiet ? '' : `${subject} is ${on ? 'now' : 'no longer'} a cluster admin`));
        }),
      );
  }
  admin
    .command('list')
    .description('the cluster admins')
    .action(
      action(io, async (ctx) => {
        const subjects = await withAuth(ctx, (a) => a.listAdmins());
        await ctx.results(subjects.map((subject) => ({ subject })), () => subjects.join('\n'));
      }),
    );

  auth
    .command('audit')
    .description('the audit log (writes and auth changes: who, when, what), oldest first; JSON lines with --json')
    .option('--user <subject>', 'only this subject')
    .option('--repo <repo>', 'only this repo')
    .option('--since <time>', 'from this time: ISO (2026-12-02T08:00:00Z) or a duration ago (1h, 7d)')
    .option('--until <time>', 'before this time (same forms)')
    .option('--limit <n>', 'at most the newest N (default 1000)', count('--limit'))
    .addHelpText('after', examples('strata auth audit --since 1h', 'strata auth audit --user robot:ci --repo images --json'))
    .action(
      action(io, async (ctx, _args, opts) => {
        const filter = {
          subject: opts.user as string | undefined,
          repo: opts.repo as string | undefined,
          sinceMs: opts.since === undefined ? undefined : parseTime(opts.since as string, '--since'),
          untilMs: opts.until === undefined ? undefined : parseTime(opts.until as string, '--until'),
          limit: opts.limit as number | undefined,
        };
        const entries = await withAuth(ctx, (a) => a.audit(filter));
        await ctx.results(entries, () =>
          table(
            ['TIME', 'SUBJECT', 'METHOD', 'REPO', 'OUTCOME', 'DETAIL'],
            entries.map((e) => [when(e.timeMs), e.subject, e.method, e.repo || '-', e.code ? `${e.outcome} ${e.code}` : e.outcome, Object.entries(e.detail).map(([k, v]) => `${k}=${v}`).join(' ')]),
          ),
        );
      }),
    );
}
