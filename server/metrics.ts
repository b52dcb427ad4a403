// Prometheus metrics of the server: gRPC requests, latency, errors and bytes
// by method, and the size of the chunk store. One registry per server.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { ChunkStore } from '../src/blocks/chunk-store.ts';
import { strataVersion } from '../src/version.ts';

export interface RpcMetrics {
  registry: Registry;
  /** A finished call: its method, gRPC status name, duration, and Strata error code when it failed. */
  observeCall(method: string, status: string, seconds: number, errorCode?: string): void;
  bytesIn(method: string, bytes: number): void;
  bytesOut(method: string, bytes: number): void;
}

export function createMetrics(opts: { chunks: ChunkStore }): RpcMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'strata_' });
  const registers = [registry];
  // Always 1; the labels say what runs (the usual *_build_info convention).
  new Gauge({ name: 'strata_build_info', help: 'The running release and Node.js version', labelNames: ['version', 'node_version'], registers }).set({ version: strataVersion(), node_version: process.version }, 1);
  const requests = new Counter({ name: 'strata_grpc_requests_total', help: 'gRPC calls finished, by method and status', labelNames: ['method', 'status'], registers });
  const latency = new Histogram({
    name: 'strata_grpc_request_duration_seconds',
    help: 'gRPC call duration, by method (streams: until the last message)',
    labelNames: ['method'],
    buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 10, 60],
    registers,
  });
  const errors = new Counter({ name: 'strata_grpc_errors_total', help: 'gRPC calls that failed, by method and Strata error code', labelNames: ['method', 'code'], registers });
  const received = new Counter({ name: 'strata_grpc_received_bytes_total', help: 'File and chunk bytes received, by method', labelNames: ['method'], registers });
  const sent = new Counter({ name: 'strata_grpc_sent_bytes_total', help: 'File and tar bytes sent, by method', labelNames: ['method'], registers });
  const { chunks } = opts;
  new Gauge({ name: 'strata_store_chunks', help: 'Chunks in the chunk store', registers, collect() { this.set(chunks.stats().chunks); } });
  new Gauge({ name: 'strata_store_packs', help: 'Packs in the chunk store', registers, collect() { this.set(chunks.stats().packs); } });
  new Gauge({ name: 'strata_store_uploads_in_flight', help: 'Pack uploads in flight', registers, collect() { this.set(chunks.stats().uploadsInFlight); } });
  return {
    registry,
    observeCall(method, status, seconds, errorCode) {
      requests.inc({ method, status });
      latency.observe({ method }, seconds);
      if (errorCode !== undefined) errors.inc({ method, code: errorCode });
    },
    bytesIn: (method, bytes) => received.inc({ method }, bytes),
    bytesOut: (method, bytes) => sent.inc({ method }, bytes),
  };
}
