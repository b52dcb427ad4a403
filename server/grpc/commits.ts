// Commit RPCs: start, finish, inspect, log, wait, subscribe, squash, drop,
// subvenance. Long waits end early when the client cancels or the server
// shuts down (SHUTTING_DOWN, so clients know to come back).
import { StrataError } from '../../src/errors/index.ts';
import type { Pfs } from '../../src/pfs/pfs.ts';
import * as encode from './encode.ts';
import { branchRefField, commitRefField, countField, optionalCommitRefField } from './parse.ts';
import type { CallContext, PfsRpc } from './rpc.ts';

function shuttingDown(what: string): StrataError {
  return new StrataError('SHUTTING_DOWN', `${what} ended: the server is shutting down`);
}

/** Aborts when the client goes away or the server shuts down. */
function callOrShutdown(ctx: CallContext): AbortSignal {
  return AbortSignal.any([ctx.signal, ctx.shutdown]);
}

export function commitHandlers(rpc: PfsRpc, pfs: Pfs) {
  return {
    StartCommit: rpc.unary('StartCommit', async (req) => {
      const { repo, branch } = branchRefField('branch', req.branch);
      // Provenance refs name commits by any form; the commit records their ids.
      const provenance = [];
      for (const [i, p] of req.provenance.entries()) {
        const c = await pfs.inspectCommit(commitRefField(`provenance[${i}]`, p));
        provenance.push({ repo: c.repo, commit: c.id });
      }
      const info = await pfs.startCommit(repo, branch, { description: req.description, provenance, metadata: req.metadata });
      return encode.commitInfo(info);
    }),
    FinishCommit: rpc.unary('FinishCommit', async (req) =>
      encode.commitInfo(await pfs.finishCommit(commitRefField('commit', req.commit), req.description === undefined ? {} : { description: req.description })),
    ),
    InspectCommit: rpc.unary('InspectCommit', async (req) => encode.commitInfo(await pfs.inspectCommit(commitRefField('commit', req.commit)))),
    ListCommit: rpc.serverStream('ListCommit', async (req, send) => {
      const from = commitRefField('ref', req.ref);
      const toRef = optionalCommitRefField('to', req.to);
      const limit = countField('limit', req.limit);
      if (toRef && toRef.repo !== from.repo) {
        throw new StrataError('INVALID_ARGUMENT', `to: "${req.to}" is in repo "${toRef.repo}", not "${from.repo}"`, { field: 'to', input: req.to });
      }
      const to = toRef ? (await pfs.inspectCommit(toRef)).id : undefined;
      for await (const c of pfs.log(from, { to, limit: limit === 0 ? undefined : limit })) await send(encode.commitInfo(c));
    }),
    WaitCommit: rpc.unary('WaitCommit', async (req, ctx) => {
      const ref = commitRefField('commit', req.commit);
      try {
        return encode.commitInfo(await pfs.waitCommit(ref, callOrShutdown(ctx)));
      } catch (err) {
        if (ctx.shutdown.aborted) throw shuttingDown('wait for commit');
        throw err;
      }
    }),
    SubscribeCommit: rpc.serverStream('SubscribeCommit', async (req, send, ctx) => {
      const { repo, branch } = branchRefField('branch', req.branch);
      for await (const c of pfs.subscribe(repo, branch, callOrShutdown(ctx))) await send(encode.commitInfo(c));
      if (ctx.shutdown.aborted && !ctx.signal.aborted) throw shuttingDown('subscription');
    }),
    SquashCommit: rpc.unary('SquashCommit', async (req) => {
      await pfs.squashCommit(commitRefField('commit', req.commit));
      return {};
    }),
    DropCommit: rpc.unary('DropCommit', async (req) => {
      await pfs.dropCommit(commitRefField('commit', req.commit));
      return {};
    }),
    ListSubvenance: rpc.unary('ListSubvenance', async (req) => ({
      commits: (await pfs.subvenance(commitRefField('commit', req.commit))).map((c) => ({ repo: c.repo, id: c.commit })),
    })),
  };
}
