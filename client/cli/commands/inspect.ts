// strata inspect REF:/PATH — a file's (or directory's) size and hash, the
// commit this view belongs to, and the commit that last changed it: the
// newest commit in the ref's history whose parent holds something else
// there (found by walking the log back, one inspect per commit, and
// stopping at the first change).
import type { Command } from 'commander';
import { isStrataError } from '../../../src/errors/index.ts';
import { parseRef } from '../../../src/ref.ts';
import type { CommitInfo, FileInfo, StrataClient } from '../../sdk/index.ts';
import { action, examples } from '../command.ts';
import type { Io } from '../context.ts';
import { fields, humanSize, relativeTime } from '../format.ts';

/** The file at `repo@id:path`, or undefined when that commit has none. */
async function fileAt(client: StrataClient, repo: string, id: string, path: string): Promise<FileInfo | undefined> {
  try {
    return await client.inspectFile(`${repo}@${id}:${path}`);
  } catch (err) {
    if (isStrataError(err) && err.kind === 'NotFound') return undefined;
    throw err;
  }
}

const same = (a: FileInfo | undefined, b: FileInfo): boolean => a !== undefined && a.type === b.type && a.hash === b.hash && a.sizeBytes === b.sizeBytes;

async function lastChanged(client: StrataClient, ref: string, repo: string, path: string, now: FileInfo): Promise<CommitInfo | undefined> {
  let candidate: CommitInfo | undefined;
  for await (const c of client.log(ref)) {
    if (candidate && !same(await fileAt(client, repo, c.id, path), now)) return candidate;
    candidate = c;
  }
  return candidate; // unchanged since the first commit
}

export function registerInspect(program: Command, io: Io): void {
  program
    .command('inspect')
    .description('show a file or directory: size, hash, and (for a file) the commit that last changed it')
    .argument('<path>', 'repo@ref:/path')
    .addHelpText('after', examples('strata inspect images@main:/cats/1.png', 'strata inspect images@main^:/cats --json'))
    .action(
      action(io, async (ctx, [target]) => {
        const client = await ctx.client();
        const info = await client.inspectFile(target!);
        const ref = parseRef(target!);
        const commitRef = target!.slice(0, target!.indexOf(':'));
        // A directory has no content hash to compare: only files get a last-changed commit.
        const changed = info.type === 'file' ? await lastChanged(client, commitRef, ref.repo, info.path, info) : undefined;
        const lastChangedBy = changed && { id: changed.id, finishedAtMs: changed.finishedAtMs, description: changed.description };
        await ctx.result({ ...info, repo: ref.repo, lastChanged: lastChangedBy }, () =>
          fields([
            ['path', `${info.path}${info.type === 'dir' ? '/' : ''}`],
            ['type', info.type],
            ['size', info.sizeBytes === undefined ? '-' : `${humanSize(info.sizeBytes)} (${info.sizeBytes} bytes)`],
            ['hash', info.hash || '-'],
            ['commit', `${ref.repo}@${info.commit}`],
            ['last changed', changed ? `${ref.repo}@${changed.id} (${relativeTime(changed.finishedAtMs ?? changed.startedAtMs)}${changed.description ? `: ${changed.description}` : ''})` : '-'],
          ]),
        );
      }),
    );
}
