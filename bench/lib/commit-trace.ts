// Where the wall time of one-off commits goes, for bench scale: the servers'
// per-stage sums (strata_one_off_stage_*, src/pfs/commit-stages.ts), their
// metadata store and object store request latencies, the ModifyFile calls'
// handling time, and etcd's own WAL fsync and backend commit times, each
// read from /metrics before and after a load and printed per commit.

/** Sum of seconds and count per timing name (stage:open, meta:batch, store:put, rpc:ModifyFile, etcd:wal_fsync, ...). */
export type Timings = Map<string, { sum: number; count: number }>;

function add(t: Timings, name: string, sum: number, count: number): void {
  const v = t.get(name) ?? { sum: 0, count: 0 };
  v.sum += sum;
  v.count += count;
  t.set(name, v);
}

const label = (labels: string, name: string): string | undefined => new RegExp(`${name}="([^"]*)"`).exec(labels)?.[1];

/** Pairs of <metric>_sum / <metric>_count lines (histograms), by one label, into `t` under `prefix:<label value>`. */
function histogram(t: Timings, text: string, metric: string, by: string, prefix: string, only?: (labels: string) => boolean): void {
  for (const m of text.matchAll(new RegExp(`^${metric}_(sum|count)\\{([^}]*)\\} ([\\d.e+-]+)$`, 'gm'))) {
    if (only && !only(m[2]!)) continue;
    const name = `${prefix}:${label(m[2]!, by) ?? '?'}`;
    if (m[1] === 'sum') add(t, name, Number(m[3]), 0);
    else add(t, name, 0, Number(m[3]));
  }
}

function plain(t: Timings, text: string, metric: string, name: string): void {
  for (const m of text.matchAll(new RegExp(`^${metric}_(sum|count) ([\\d.e+-]+)$`, 'gm'))) {
    if (m[1] === 'sum') add(t, name, Number(m[2]), 0);
    else add(t, name, 0, Number(m[2]));
  }
}

/** The timings of every server (summed) and every etcd member (summed) so far. */
export async function readTimings(serverHttpUrls: string[], etcdEndpoints: string[]): Promise<Timings> {
  const t: Timings = new Map();
  for (const url of serverHttpUrls) {
    const text = await (await fetch(`${url}/metrics`)).text();
    for (const m of text.matchAll(/^strata_one_off_stage_(seconds|entries)_total\{stage="(\w+)"\} ([\d.e+-]+)$/gm)) {
      if (m[1] === 'seconds') add(t, `stage:${m[2]}`, Number(m[3]), 0);
      else add(t, `stage:${m[2]}`, 0, Number(m[3]));
    }
    histogram(t, text, 'strata_meta_request_duration_seconds', 'operation', 'meta');
    histogram(t, text, 'strata_object_store_request_duration_seconds', 'operation', 'store');
    histogram(t, text, 'grpc_server_handling_seconds', 'grpc_method', 'rpc', (l) => l.includes('grpc_method="ModifyFile"'));
  }
  for (const endpoint of etcdEndpoints) {
    const text = await (await fetch(`http://${endpoint}/metrics`)).text();
    plain(t, text, 'etcd_disk_wal_fsync_duration_seconds', 'etcd:wal_fsync');
    plain(t, text, 'etcd_disk_backend_commit_duration_seconds', 'etcd:backend_commit');
  }
  return t;
}

export function timingsDelta(after: Timings, before: Timings): Timings {
  const out: Timings = new Map();
  for (const [k, v] of after) {
    const b = before.get(k) ?? { sum: 0, count: 0 };
    if (v.count - b.count !== 0 || v.sum - b.sum !== 0) out.set(k, { sum: v.sum - b.sum, count: v.count - b.count });
  }
  return out;
}

/**
 * One line: per commit, each stage's ms (and entries per commit where not
 * one), then each request kind's count per commit and mean ms.
 */
export function formatTrace(t: Timings, commits: number): string {
  const stages: string[] = [];
  const requests: string[] = [];
  for (const [name, v] of [...t].sort(([a], [b]) => a.localeCompare(b))) {
    const perCommit = ((v.sum * 1000) / commits).toFixed(1);
    if (name.startsWith('stage:')) {
      const n = v.count / commits;
      stages.push(`${name.slice(6)} ${perCommit}${Math.abs(n - 1) > 0.05 ? ` (x${n.toFixed(2)})` : ''}`);
    } else if (v.count > 0) {
      requests.push(`${name} ${(v.count / commits).toFixed(2)}x ${((v.sum * 1000) / v.count).toFixed(1)} ms`);
    }
  }
  return `stage ms per commit: ${stages.join(', ')}; requests per commit and mean: ${requests.join(', ')}`;
}
