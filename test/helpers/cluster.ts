// Several real server processes sharing one store, as issue 13 runs them:
// metadata in a real etcd (test/helpers/etcd.ts), chunks in one S3 bucket
// (s3rver over HTTP) or one local directory (--blocks-dir, as on a shared
// file system), each server its own process with its own data directory.
// The scale-* end-to-end tests start their cluster here, so they all start
// it the same way and clean up everything they started, even when start-up
// fails half-way.
import { Etcd3 } from 'etcd3';
import { startEtcd, type TestEtcd } from './etcd.ts';
import { startS3Server, type TestS3Server } from './s3-server.ts';
import { closeClient, pfsClient, startServer, type RawClient, type TestServer } from './server.ts';
import { createTempDir, type TempDir } from './tmp.ts';

/** The two shared stores every scale test runs on (for `describe.each`). */
export const SHARED_STORES = ['s3rver', 'local directory'] as const;
export type SharedStore = (typeof SHARED_STORES)[number];

export interface ClusterNode {
  server: TestServer;
  /** A raw gRPC client of this server (closed by `stop`). */
  client: RawClient;
}

export interface TestCluster {
  etcd: TestEtcd;
  /** The S3 server, when the store is s3rver. */
  s3?: TestS3Server;
  /** The etcd key prefix the servers share (`--meta etcd://.../<prefix>`). */
  prefix: string;
  /** Every server started so far, in start order (killed ones stay in the list). */
  nodes: ClusterNode[];
  /** Starts one more server on the cluster, with the cluster's flags and then `args`. */
  start(args?: string[]): Promise<ClusterNode>;
  /** A client of etcd itself, to watch the servers' keys (made on first use, closed by `stop`). */
  etcdClient(): Etcd3;
  /** Stops every server, etcd and the store, and removes their directories. */
  stop(): Promise<void>;
}

export interface ClusterOptions {
  store: SharedStore;
  /** etcd key prefix of this cluster's records. */
  prefix: string;
  /** Servers to start now (default 2; more can be started later with `start`). */
  servers?: number;
  /** Start the servers one after another (default: all at once). */
  sequential?: boolean;
  /** etcd members (default 1). */
  etcdMembers?: 1 | 3;
  /** Flags every server of the cluster gets, after the store's. */
  serverArgs?: string[];
}

export async function startCluster(opts: ClusterOptions): Promise<TestCluster> {
  const nodes: ClusterNode[] = [];
  let etcd: TestEtcd | undefined;
  let s3: TestS3Server | undefined;
  let shared: TempDir | undefined;
  let admin: Etcd3 | undefined;
  const stop = async (): Promise<void> => {
    for (const n of nodes) closeClient(n.client);
    await Promise.all(nodes.map((n) => n.server.cleanup()));
    admin?.close();
    await Promise.all([etcd?.stop(), s3?.stop(), shared?.remove()]);
  };
  try {
    // Settled, not Promise.all: a start that fails must not leave the others running unseen.
    const [e, s, d] = await Promise.allSettled([
      startEtcd({ members: opts.etcdMembers ?? 1 }),
      opts.store === 's3rver' ? startS3Server() : undefined,
      opts.store === 'local directory' ? createTempDir('strata-shared-blocks') : undefined,
    ]);
    [etcd, s3, shared] = [valueOf(e), valueOf(s), valueOf(d)];
    firstFailure(e, s, d);
    const storeArgs = s3
      ? ['--s3-endpoint', s3.url, '--s3-bucket', s3.bucket, '--s3-access-key', s3.accessKey, '--s3-secret-key', s3.secretKey]
      : ['--blocks-dir', shared!.path];
    const meta = `${etcd!.url}/${opts.prefix}`;
    const start = async (args: string[] = []): Promise<ClusterNode> => {
      const server = await startServer({ args: ['--meta', meta, ...storeArgs, ...(opts.serverArgs ?? []), ...args] });
      const node = { server, client: pfsClient(server.grpcAddress) };
      nodes.push(node);
      return node;
    };
    const count = opts.servers ?? 2;
    if (opts.sequential) for (let i = 0; i < count; i++) await start();
    else firstFailure(...(await Promise.allSettled(Array.from({ length: count }, () => start()))));
    const cluster: TestCluster = {
      etcd: etcd!,
      s3,
      prefix: opts.prefix,
      nodes,
      start,
      etcdClient: () => (admin ??= new Etcd3({ hosts: cluster.etcd.endpoints.map((e) => `http://${e}`) })),
      stop,
    };
    return cluster;
  } catch (err) {
    await stop();
    throw err;
  }
}

function valueOf<T>(r: PromiseSettledResult<T>): T | undefined {
  return r.status === 'fulfilled' ? r.value : undefined;
}

function firstFailure(...results: PromiseSettledResult<unknown>[]): void {
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
}

/** strata_one_off_commits_total of these servers together, by outcome (their /metrics). */
export async function oneOffCommits(servers: TestServer[]): Promise<{ landed: number; rebuilt: number }> {
  const n = { landed: 0, rebuilt: 0 };
  for (const s of servers) {
    const text = await (await fetch(`${s.httpUrl}/metrics`)).text();
    for (const m of text.matchAll(/^strata_one_off_commits_total\{outcome="(landed|rebuilt)"\} (\d+)$/gm)) n[m[1] as 'landed' | 'rebuilt'] += Number(m[2]);
  }
  return n;
}

/** The header message of a ModifyFile to `target` (`repo@branch` or `repo@commit`). */
export const header = (target: string): object => ({ header: { target } });

/** The ModifyFile messages that put `bytes` at `path`. */
export const putFile = (path: string, bytes: Buffer): object[] => [{ putFile: { path, sizeBytes: bytes.length } }, { data: bytes }];
