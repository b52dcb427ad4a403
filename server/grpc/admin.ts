// Administration RPCs: fsck, garbage collection and the server's version.
import type { Pfs } from '../../src/pfs/pfs.ts';
import { strataVersion } from '../../src/version.ts';
import * as encode from './encode.ts';
import { countField } from './parse.ts';
import type { RpcMetrics } from '../metrics.ts';
import type { PfsRpc } from './rpc.ts';

const STARTED_AT_MS = Math.round(Date.now() - process.uptime() * 1000);

export function adminHandlers(rpc: PfsRpc, pfs: Pfs, metrics: Pick<RpcMetrics, 'startGc'>) {
  return {
    Fsck: rpc.unary('Fsck', async (req) => encode.fsckReport(await pfs.fsck({ verifyData: req.verifyData }))),
    GarbageCollect: rpc.unary('GarbageCollect', async (req) => {
      const graceMs = req.graceMs === undefined ? undefined : countField('grace_ms', req.graceMs);
      const done = metrics.startGc();
      const report = await pfs.gc(graceMs === undefined ? {} : { graceMs }).catch((err: unknown) => {
        done(undefined);
        throw err;
      });
      done(report);
      return encode.gcReport(report);
    }),
    GetServerInfo: rpc.unary('GetServerInfo', async () => ({ version: strataVersion(), nodeVersion: process.version, startedAtMs: STARTED_AT_MS })),
  };
}
