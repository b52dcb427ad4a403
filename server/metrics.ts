// Prometheus metrics of the server, one registry per server:
// - gRPC calls with the conventional labels of go-grpc-prometheus
//   (grpc_server_started_total, grpc_server_handled_total,
//   grpc_server_handling_seconds by grpc_service, grpc_method, grpc_type
//   and grpc_code), an in-flight gauge, errors by Strata code and bytes;
// - the chunk store (chunks, bytes, packs), object store request latency
//   (S3 or local disk) by operation, and garbage collection runs;
// - metadata store requests (etcd round trips, LevelDB calls) by operation,
//   and one-off commits' wall time by stage (src/pfs/commit-stages.ts);
// - strata_build_info and the Node process metrics.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { BlockStore } from '../src/blocks/block-store.ts';
import type { ChunkStore } from '../src/blocks/chunk-store.ts';
import type { GcReport } from '../src/pfs/gc.ts';
import { COMMIT_STAGES, type CommitStages } from '../src/pfs/commit-stages.ts';
import type { MetaStore } from '../src/meta/meta-store.ts';
import { strataVersion } from '../src/version.ts';

export type GrpcType = 'unary' | 'client_stream' | 'server_stream' | 'bidi_stream';

export interface CallLabels {
  /** Full service name, e.g. strata.pfs.v1.PfsService. */
  service: string;
  method: string;
  type: GrpcType;
}

export interface RpcMetrics {
  registry: Registry;
  /** A call began; the function it returns records its end (gRPC status name, Strata error code when it failed). */
  startCall(call: CallLabels): (status: string, errorCode?: string) => void;
  bytesIn(method: string, bytes: number): void;
  /** Bytes a ModifyFile stream's bulk connection carried (chunk bytes and their frame headers; server/grpc/bulk.ts). */
  bulkBytesIn(bytes: number): void;
  bytesOut(method: string, bytes: number): void;
  /** A garbage collection run began; the function it returns records its end (report, or undefined when it failed). */
  startGc(): (report: GcReport | undefined) => void;
  /** Starts the chunk store gauges (the store opens after the registry exists). */
  watchChunkStore(chunks: ChunkStore): void;
  /** Starts the gauges of what the memory settings bound (server/config.ts MemoryConfig). */
  watchMemory(chunks: ChunkStore, indexReader: { cachedBytes(): number }): void;
  /** Starts strata_one_off_commits_total from pfs's counts (PfsContext.oneOff), and the per-stage time of one-off commits. */
  watchCommits(oneOff: { landed: number; rebuilt: number; grouped: number; handed: number; took: number }, stages: CommitStages, turns: { readonly [event: string]: number } | object): void;
  /** The metadata store, with every request timed into strata_meta_request_duration_seconds. */
  timeMetaStore(store: MetaStore): MetaStore;
  /** The block store, with every request timed into strata_object_store_request_duration_seconds. */
  timeBlockStore(store: BlockStore, backend: 's3' | 'local'): BlockStore;
}

// Latency buckets from a local disk hit (sub-ms) to a slow S3 request or a long stream.
const SECONDS = [0.0005, 0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

export function createMetrics(): RpcMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'strata_' });
  const registers = [registry];
  // Always 1; the labels say what runs (the usual *_build_info convention).
  new Gauge({ name: 'strata_build_info', help: 'The running release and Node.js version', labelNames: ['version', 'node_version'], registers }).set({ version: strataVersion(), node_version: process.version }, 1);
  const callLabels = ['grpc_service', 'grpc_method', 'grpc_type'] as const;
  const started = new Counter({ name: 'grpc_server_started_total', help: 'gRPC calls started on the server', labelNames: callLabels, registers });
  const handled = new Counter({ name: 'grpc_server_handled_total', help: 'gRPC calls completed on the server, by status code', labelNames: [...callLabels, 'grpc_code'], registers });
  const handling = new Histogram({ name: 'grpc_server_handling_seconds', help: 'gRPC call duration (streams: until the last message)', labelNames: callLabels, buckets: SECONDS, registers });
  const inFlight = new Gauge({ name: 'strata_grpc_in_flight_calls', help: 'gRPC calls being handled now', labelNames: callLabels, registers });
  const errors = new Counter({ name: 'strata_grpc_errors_total', help: 'gRPC calls that failed, by method and Strata error code', labelNames: ['grpc_method', 'code'], registers });
  const received = new Counter({ name: 'strata_grpc_received_bytes_total', help: 'File and chunk bytes received, by method', labelNames: ['grpc_method'], registers });
  const bulkReceived = new Counter({ name: 'strata_bulk_received_bytes_total', help: 'Bytes received on ModifyFile bulk connections (chunk bytes, also counted in strata_grpc_received_bytes_total, and their frame headers)', registers });
  const sent = new Counter({ name: 'strata_grpc_sent_bytes_total', help: 'File and tar bytes sent, by method', labelNames: ['grpc_method'], registers });
  const gcRuns = new Histogram({ name: 'strata_gc_duration_seconds', help: 'Garbage collection runs, by outcome (ok, error)', labelNames: ['outcome'], buckets: [0.01, 0.1, 0.5, 1, 5, 15, 60, 300, 1800], registers });
  const gcReclaimed = new Counter({ name: 'strata_gc_reclaimed_bytes_total', help: 'Bytes of unreferenced chunks garbage collection removed', registers });
  const storeLatency = new Histogram({
    name: 'strata_object_store_request_duration_seconds',
    help: 'Object store (S3 or local directory) requests, by backend, operation and outcome (ok, error)',
    labelNames: ['backend', 'operation', 'outcome'],
    buckets: SECONDS,
    registers,
  });
  const metaLatency = new Histogram({
    name: 'strata_meta_request_duration_seconds',
    help: 'Metadata store requests (an etcd round trip each on etcd), by operation and outcome (ok, error); scans and watches are not timed',
    labelNames: ['operation', 'outcome'],
    buckets: SECONDS,
    registers,
  });
  return {
    registry,
    startCall(call) {
      const labels = { grpc_service: call.service, grpc_method: call.method, grpc_type: call.type };
      started.inc(labels);
      inFlight.inc(labels);
      const timer = handling.startTimer(labels);
      return (status, errorCode) => {
        timer();
        inFlight.dec(labels);
        handled.inc({ ...labels, grpc_code: status });
        if (errorCode !== undefined) errors.inc({ grpc_method: call.method, code: errorCode });
      };
    },
    bytesIn: (method, bytes) => received.inc({ grpc_method: method }, bytes),
    bulkBytesIn: (bytes) => bulkReceived.inc(bytes),
    bytesOut: (method, bytes) => sent.inc({ grpc_method: method }, bytes),
    startGc() {
      const timer = gcRuns.startTimer();
      return (report) => {
        timer({ outcome: report ? 'ok' : 'error' });
        if (report) gcReclaimed.inc(report.deadBytes);
      };
    },
    watchChunkStore(chunks) {
      new Gauge({ name: 'strata_store_chunks', help: 'Chunks in the chunk store', registers, collect() { this.set(chunks.stats().chunks); } });
      new Gauge({ name: 'strata_store_bytes', help: 'Bytes of the chunks in the chunk store (each stored once)', registers, collect() { this.set(chunks.stats().bytes); } });
      new Gauge({ name: 'strata_store_packs', help: 'Packs in the chunk store', registers, collect() { this.set(chunks.stats().packs); } });
      new Gauge({ name: 'strata_store_uploads_in_flight', help: 'Pack uploads in flight', registers, collect() { this.set(chunks.stats().uploadsInFlight); } });
    },
    watchCommits(oneOff, stages, turns) {
      new Counter({
        name: 'strata_one_off_stage_seconds_total',
        help: 'Wall time one-off commits spent in each stage (open, queue, turn, head, build, flush, land, retry), summed over commits',
        labelNames: ['stage'],
        registers,
        collect() {
          this.reset();
          for (const stage of COMMIT_STAGES) this.inc({ stage }, stages.seconds[stage]);
        },
      });
      new Counter({
        name: 'strata_one_off_stage_entries_total',
        help: 'Times one-off commits entered each stage (a retried landing enters some twice)',
        labelNames: ['stage'],
        registers,
        collect() {
          this.reset();
          for (const stage of COMMIT_STAGES) this.inc({ stage }, stages.count[stage]);
        },
      });
      new Counter({
        name: 'strata_one_off_commits_total',
        help: 'One-off commits: landed; landing attempts rebuilt (another writer moved the head first; several servers on one branch); grouped (landed in the batch of a writer ahead of them on the branch); handed (handed to another server holding the branch\'s turn, and landed by it); took (handed by another server, landed here)',
        labelNames: ['outcome'],
        registers,
        collect() {
          this.reset();
          this.inc({ outcome: 'landed' }, oneOff.landed);
          this.inc({ outcome: 'rebuilt' }, oneOff.rebuilt);
          this.inc({ outcome: 'grouped' }, oneOff.grouped);
          this.inc({ outcome: 'handed' }, oneOff.handed);
          this.inc({ outcome: 'took' }, oneOff.took);
        },
      });
      new Counter({
        name: 'strata_branch_turn_events_total',
        help: 'Branch turns across servers: taken, retracted (taken with this server\'s handoff taken back), offered (handoffs written), gone (handoffs landed by the turn\'s holder or gone with the lease), released (given back without a landing)',
        labelNames: ['event'],
        registers,
        collect() {
          this.reset();
          for (const [event, n] of Object.entries(turns as Record<string, number>)) this.inc({ event }, n);
        },
      });
    },
    watchMemory(chunks, indexReader) {
      new Gauge({ name: 'strata_index_cache_bytes', help: 'Estimated heap bytes of decoded index objects cached (bounded by --index-cache)', registers, collect() { this.set(indexReader.cachedBytes()); } });
      new Gauge({ name: 'strata_chunk_cache_bytes', help: 'Bytes of verified chunks cached (bounded by --chunk-cache)', registers, collect() { this.set(chunks.cacheBytes()); } });
      new Gauge({ name: 'strata_chunk_index_memory_entries', help: 'Chunk locations held in memory (bounded by --chunk-index-mem-entries; the rest are on disk)', registers, collect() { this.set(chunks.indexMemory().memEntries); } });
    },
    timeMetaStore: (store) => timedMetaStore(store, (operation, outcome, seconds) => metaLatency.observe({ operation, outcome }, seconds)),
    timeBlockStore: (store, backend) => timedBlockStore(store, (operation, outcome, seconds) => storeLatency.observe({ backend, operation, outcome }, seconds)),
  };
}

type Observe = (operation: string, outcome: 'ok' | 'error', seconds: number) => void;

/** Runs a request and reports its operation, outcome and duration. */
function timer(observe: Observe) {
  return async <T>(operation: string, run: () => Promise<T>): Promise<T> => {
    const start = process.hrtime.bigint();
    const seconds = (): number => Number(process.hrtime.bigint() - start) / 1e9;
    try {
      const out = await run();
      observe(operation, 'ok', seconds());
      return out;
    } catch (err) {
      observe(operation, 'error', seconds());
      throw err;
    }
  };
}

/** Times every request of a BlockStore (a wrapper, so no adapter needs to know about metrics). */
export function timedBlockStore(store: BlockStore, observe: Observe): BlockStore {
  const timed = timer(observe);
  const timedStore: BlockStore = {
    description: store.description,
    put: (key, data) => timed('put', () => store.put(key, data)),
    get: (key) => timed('get', () => store.get(key)),
    getRange: (key, offset, length, opts) => timed('get_range', () => store.getRange(key, offset, length, opts)),
    stat: (key) => timed('stat', () => store.stat(key)),
    has: (key) => timed('has', () => store.has(key)),
    delete: (key) => timed('delete', () => store.delete(key)),
    // A listing is many pages: timed as a whole, until the caller stops reading.
    async *list(prefix) {
      const start = process.hrtime.bigint();
      let outcome: 'ok' | 'error' = 'ok';
      try {
        yield* store.list(prefix);
      } catch (err) {
        outcome = 'error';
        throw err;
      } finally {
        observe('list', outcome, Number(process.hrtime.bigint() - start) / 1e9);
      }
    },
    close: () => store.close(),
  };
  if (store.begin) {
    const begin = store.begin.bind(store);
    // A pack written while it fills: its finish is timed as its put (the bytes written ahead are not waited for).
    timedStore.begin = () => {
      const writer = begin();
      return { ahead: (data) => writer.ahead(data), finish: (key, data) => timed('put', () => writer.finish(key, data)), abort: () => writer.abort() };
    };
  }
  return timedStore;
}

/** Times the metadata store's requests (a wrapper, so no adapter needs to know about metrics); the rest passes through. */
export function timedMetaStore(store: MetaStore, observe: Observe): MetaStore {
  const timed = timer(observe);
  const timedStore: MetaStore = {
    description: store.description,
    limits: store.limits,
    ...(store.shared ? { shared: true } : {}),
    get: (key) => timed('get', () => store.get(key)),
    getMany: (keys) => timed('get_many', () => store.getMany(keys)),
    put: (key, value) => timed('put', () => store.put(key, value)),
    del: (key) => timed('del', () => store.del(key)),
    compareAndSet: (key, expected, next) => timed('compare_and_set', () => store.compareAndSet(key, expected, next)),
    batch: (ops, conditions) => timed('batch', () => store.batch(ops, conditions)),
    scan: (options) => store.scan(options),
    watch: (prefix, listener) => store.watch(prefix, listener),
    close: () => store.close(),
  };
  if (store.grantLease) {
    const grant = store.grantLease.bind(store);
    timedStore.grantLease = (ttlMs) => timed('grant_lease', () => grant(ttlMs));
  }
  return timedStore;
}
