// strata logs --pipeline P [--job J] [--datum D] [-f], and strata explain REF:/path
import type { Command } from 'commander';
import type { Explanation } from '../../sdk/index.ts';
import { action, examples } from '../command.ts';
import type { Io } from '../context.ts';
import { withPps } from './pps-common.ts';

function explainText(e: Explanation, indent = ''): string {
  const lines = [`${indent}${e.repo}@${e.commit}:${e.path}${e.hash ? ` (hash ${e.hash.slice(0, 16)})` : ''}`];
  if (!e.pipeline) {
    lines.push(`${indent}  not made by a pipeline${e.provenance.length > 0 ? `; provenance: ${e.provenance.join(', ')}` : ''}`);
    return lines.join('\n');
  }
  lines.push(`${indent}  made by pipeline ${e.pipeline} (spec version ${e.specVersion}), job ${e.job}${e.ranInJob !== e.job ? ` (datum carried over from job ${e.ranInJob})` : ''}`);
  lines.push(`${indent}  command: ${e.cmd.join(' ')}${e.image ? ` [image ${e.image}]` : ''}`);
  if (e.datum) lines.push(`${indent}  datum ${e.datum}`);
  for (const i of e.inputs) lines.push(`${indent}  input ${i.name}: ${i.repo}@${i.commit}:${i.path} (hash ${i.hash.slice(0, 16)})`);
  for (const u of e.upstream) lines.push(explainText(u, `${indent}    `));
  return lines.join('\n');
}

export function registerLogs(program: Command, io: Io): void {
  program
    .command('logs')
    .description('the logs of a pipeline\'s datums (every try), optionally of one job or datum; -f follows')
    .requiredOption('-p, --pipeline <name>', 'the pipeline')
    .option('--job <job>', 'only this job (id or unique prefix)')
    .option('--datum <datum>', 'only this datum (id or prefix)')
    .option('-f, --follow', 'keep printing new output (until the job ends, with --job)')
    .addHelpText('after', examples('strata logs --pipeline edges', 'strata logs -p edges --job 3f2a -f'))
    .action(action(io, async (ctx, _args, opts) => {
      await withPps(ctx, async (pps) => {
        for await (const l of pps.logs(opts.pipeline, { job: opts.job, datum: opts.datum, follow: opts.follow === true })) {
          if (ctx.json) await ctx.jsonLine(l);
          else await ctx.write(l.text);
        }
      });
    }));

  program
    .command('explain')
    .description('walk a file back to the pipeline job, spec version, datum and input files that made it')
    .argument('<ref:/path>')
    .addHelpText('after', examples('strata explain counts@main:/total'))
    .action(action(io, async (ctx, [file]) => {
      const e = await withPps(ctx, (pps) => pps.explain(file!));
      await ctx.result(e, () => explainText(e));
    }));
}
