// Operating the server: gRPC health and reflection, the HTTP endpoints and
// their metrics, structured logs, and graceful shutdown on SIGTERM (calls in
// flight finish, stalled ones are cancelled, nothing half-written).
import { createRequire } from 'node:module';
import { randomBytes } from 'node:crypto';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { protoPath as healthProtoPath } from 'grpc-health-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { modify, pfsClient, serverStream, startServer, streamBytes, unary, type CallError, type RawClient, type TestServer } from '../helpers/server.ts';
import { createTempDir } from '../helpers/tmp.ts';

const require = createRequire(import.meta.url);
const LOADER = { keepCase: false, longs: Number, enums: String, defaults: true, oneofs: true };

function serviceClient(file: string, name: string, address: string): RawClient {
  const def = protoLoader.loadSync(file, LOADER);
  const ctor = name.split('.').reduce((o: any, k) => o[k], grpc.loadPackageDefinition(def)) as grpc.ServiceClientConstructor;
  return new ctor(address, grpc.credentials.createInsecure()) as RawClient;
}

/** One request on the reflection service's bidi stream. */
function reflect(address: string, request: object): Promise<any> {
  const file = require.resolve('@grpc/reflection/build/proto/grpc/reflection/v1/reflection.proto');
  const c = serviceClient(file, 'grpc.reflection.v1.ServerReflection', address);
  return new Promise((resolve, reject) => {
    const call = c.ServerReflectionInfo();
    call.on('data', (res: unknown) => (resolve(res), call.end(), c.close()));
    call.on('error', reject);
    call.write(request);
  });
}

describe('a running server', () => {
  let server: TestServer;
  let client: RawClient;

  beforeAll(async () => {
    server = await startServer({ args: ['--log-level', 'debug'] });
    client = pfsClient(server.grpcAddress);
    await unary(client, 'CreateRepo', { name: 'ops' });
    await modify(client, [{ header: { target: 'ops@main' } }, { putFile: { path: '/f' } }, { data: randomBytes(100_000) }]);
    await streamBytes(client, 'GetFile', { file: 'ops@main:/f' });
    await unary(client, 'InspectRepo', { name: 'missing' }).catch(() => undefined);
  });

  afterAll(async () => {
    client?.close();
    await server?.cleanup();
  });

  it('serves the standard health service', async () => {
    const health = serviceClient(healthProtoPath, 'grpc.health.v1.Health', server.grpcAddress);
    for (const service of ['', 'strata.pfs.v1.PfsService']) {
      expect(await unary(health, 'Check', { service })).toEqual({ status: 'SERVING' });
    }
    health.close();
  });

  it('serves reflection, so tools discover the API', async () => {
    const list = await reflect(server.grpcAddress, { listServices: '*' });
    const names = list.listServicesResponse.service.map((s: { name: string }) => s.name);
    expect(names).toEqual(expect.arrayContaining(['strata.pfs.v1.PfsService', 'grpc.health.v1.Health']));
    const res = await reflect(server.grpcAddress, { fileContainingSymbol: 'strata.pfs.v1.PfsService' });
    const descriptor = require('protobufjs/ext/descriptor');
    const files = res.fileDescriptorResponse.fileDescriptorProto.map((b: Buffer) => descriptor.FileDescriptorProto.decode(b));
    const service = files.flatMap((f: any) => f.service ?? []).find((s: any) => s.name === 'PfsService');
    const modifyRpc = service.method.find((m: any) => m.name === 'ModifyFile');
    expect(modifyRpc).toMatchObject({ inputType: '.strata.pfs.v1.ModifyFileRequest', clientStreaming: true });
    expect(service.method.map((m: any) => m.name)).toEqual(expect.arrayContaining(['GetFile', 'GetTar', 'UploadChunks', 'MissingChunks', 'SubscribeCommit']));
  });

  it('answers /healthz and /readyz', async () => {
    expect((await fetch(`${server.httpUrl}/healthz`)).status).toBe(200);
    const ready = await fetch(`${server.httpUrl}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready' });
  });

  it('exports gRPC metrics with the conventional labels, errors and bytes by method, and the store size', async () => {
    const res = await fetch(`${server.httpUrl}/metrics`);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    const text = await res.text();
    const pfs = 'grpc_service="strata.pfs.v1.PfsService"';
    expect(text).toMatch(new RegExp(`^grpc_server_started_total\\{${pfs},grpc_method="CreateRepo",grpc_type="unary"\\} 1$`, 'm'));
    expect(text).toMatch(new RegExp(`^grpc_server_handled_total\\{${pfs},grpc_method="CreateRepo",grpc_type="unary",grpc_code="OK"\\} 1$`, 'm'));
    expect(text).toMatch(new RegExp(`^grpc_server_handled_total\\{${pfs},grpc_method="InspectRepo",grpc_type="unary",grpc_code="NOT_FOUND"\\} 1$`, 'm'));
    expect(text).toMatch(new RegExp(`^grpc_server_handled_total\\{${pfs},grpc_method="ModifyFile",grpc_type="client_stream",grpc_code="OK"\\} 1$`, 'm'));
    expect(text).toMatch(new RegExp(`^grpc_server_handling_seconds_count\\{${pfs},grpc_method="ModifyFile",grpc_type="client_stream"\\} 1$`, 'm'));
    expect(text).toMatch(new RegExp(`^grpc_server_handling_seconds_bucket\\{le="\\+Inf",${pfs},grpc_method="GetFile",grpc_type="server_stream"\\} 1$`, 'm'));
    expect(text).toMatch(/^strata_grpc_errors_total\{grpc_method="InspectRepo",code="REPO_NOT_FOUND"\} 1$/m);
    expect(text).toMatch(/^strata_grpc_received_bytes_total\{grpc_method="ModifyFile"\} 100000$/m);
    expect(text).toMatch(/^strata_grpc_sent_bytes_total\{grpc_method="GetFile"\} 100000$/m);
    expect(Number(/^strata_store_chunks (\d+)$/m.exec(text)?.[1])).toBeGreaterThan(0);
    // 100,000 random bytes cannot dedupe: at least that much is stored.
    expect(Number(/^strata_store_bytes (\d+)$/m.exec(text)?.[1])).toBeGreaterThanOrEqual(100_000);
    expect(text).toMatch(/^strata_store_packs \d+$/m);
    expect(Number(/^strata_object_store_request_duration_seconds_count\{backend="local",operation="put",outcome="ok"\} (\d+)$/m.exec(text)?.[1])).toBeGreaterThan(0);
    expect(text).toMatch(/^strata_process_resident_memory_bytes \d+/m);
    // The one-off commit above: each request to the metadata store timed, and the commit's wall time by stage.
    expect(Number(/^strata_meta_request_duration_seconds_count\{operation="batch",outcome="ok"\} (\d+)$/m.exec(text)?.[1])).toBeGreaterThan(0);
    for (const stage of ['open', 'queue', 'head', 'build', 'flush', 'land']) {
      expect(Number(new RegExp(`^strata_one_off_stage_entries_total\\{stage="${stage}"\\} (\\d+)$`, 'm').exec(text)?.[1]), stage).toBe(1);
      expect(Number(new RegExp(`^strata_one_off_stage_seconds_total\\{stage="${stage}"\\} ([\\d.e+-]+)$`, 'm').exec(text)?.[1]), stage).toBeGreaterThan(0);
    }
  });

  it('counts calls in flight: a subscription is in flight until it is cancelled', async () => {
    const inFlight = async (): Promise<number> => {
      const text = await (await fetch(`${server.httpUrl}/metrics`)).text();
      const m = /^strata_grpc_in_flight_calls\{grpc_service="strata.pfs.v1.PfsService",grpc_method="SubscribeCommit",grpc_type="server_stream"\} (\d+)$/m.exec(text);
      return m ? Number(m[1]) : 0;
    };
    const call = client.SubscribeCommit({ branch: 'ops@main' });
    call.on('error', () => undefined); // the cancel below ends it with CANCELLED
    // Bounded wait for the server to see the call (no timing is asserted).
    for (let i = 0; i < 200 && (await inFlight()) !== 1; i++) await new Promise((r) => setTimeout(r, 25));
    expect(await inFlight()).toBe(1);
    call.cancel();
    for (let i = 0; i < 200 && (await inFlight()) !== 0; i++) await new Promise((r) => setTimeout(r, 25));
    expect(await inFlight()).toBe(0);
  });

  it('times garbage collection runs and counts the bytes they reclaim', async () => {
    await unary(client, 'GarbageCollect', { graceMs: 0 });
    const text = await (await fetch(`${server.httpUrl}/metrics`)).text();
    expect(text).toMatch(/^strata_gc_duration_seconds_count\{outcome="ok"\} 1$/m);
    expect(text).toMatch(/^strata_gc_reclaimed_bytes_total \d+$/m);
  });

  it('logs one JSON line per request at debug (pino); a NOT_FOUND answer is not a warning', () => {
    const records = server.logs.map((l) => JSON.parse(l) as Record<string, unknown>);
    const create = records.find((r) => r.msg === 'rpc' && r.method === 'CreateRepo');
    expect(create).toMatchObject({ level: 'debug', status: 'OK', requestId: expect.stringMatching(/^[0-9a-f]{12}$/) });
    expect(typeof create!.ms).toBe('number');
    expect(records.find((r) => r.msg === 'rpc' && r.method === 'ModifyFile')).toMatchObject({ bytesIn: 100_000 });
    const failed = records.find((r) => r.method === 'InspectRepo');
    expect(failed).toMatchObject({ level: 'debug', msg: 'rpc failed', status: 'NOT_FOUND', code: 'REPO_NOT_FOUND' });
    expect(records.every((r) => typeof r.time === 'string' && typeof r.level === 'string' && r.pid === server.pid)).toBe(true);
    expect(records.filter((r) => String(r.msg).startsWith('rpc') && (r.level === 'warn' || r.level === 'error'))).toEqual([]);
  });
});

describe('SIGTERM', () => {
  it('lets in-flight streams finish, refuses new calls, then exits 0 with everything durable', async () => {
    const dir = await createTempDir('strata-sigterm');
    const server = await startServer({ dataDir: dir.path });
    const client = pfsClient(server.grpcAddress);
    try {
      const big = randomBytes(8 << 20);
      await unary(client, 'CreateRepo', { name: 's' });
      await modify(client, [{ header: { target: 's@main' } }, { putFile: { path: '/big' } }, { data: big.subarray(0, 4 << 20) }, { data: big.subarray(4 << 20) }]);

      // A download, paused after its first message, and an upload still sending.
      const download = client.GetFile({ file: 's@main:/big' }) as grpc.ClientReadableStream<{ data: Buffer }>;
      const parts: Buffer[] = [];
      const downloaded = new Promise<void>((resolve, reject) => (download.on('end', resolve), download.on('error', reject)));
      await new Promise<void>((resolve) => download.once('data', (m) => (parts.push(m.data), download.pause(), resolve())));
      let upload!: grpc.ClientWritableStream<object>;
      const uploaded = new Promise((resolve, reject) => {
        upload = client.ModifyFile((err: grpc.ServiceError | null, res: unknown) => (err ? reject(err) : resolve(res)));
      });
      upload.write({ header: { target: 's@main' } });
      upload.write({ putFile: { path: '/late' } });
      upload.write({ data: Buffer.from('written during shutdown') });
      await new Promise((r) => setTimeout(r, 200));

      server.child.kill('SIGTERM');
      await waitFor(async () => (await fetch(`${server.httpUrl}/readyz`)).status === 503);
      const fresh = pfsClient(server.grpcAddress);
      const refused = await unary(fresh, 'ListRepo', {}).catch((e: CallError) => e);
      expect(refused).toMatchObject({ status: { code: grpc.status.UNAVAILABLE } });
      fresh.close();

      upload.write({ done: {} });
      upload.end();
      expect(await uploaded).toMatchObject({ state: 'COMMIT_STATE_FINISHED' });
      download.on('data', (m: { data: Buffer }) => parts.push(m.data));
      download.resume();
      await downloaded;
      expect(Buffer.concat(parts).equals(big)).toBe(true);
      expect(await server.stop(), server.logs.join('\n')).toEqual({ code: 0, signal: null });
      expect(server.logs.some((l) => l.includes('"msg":"stopped"'))).toBe(true);

      const again = await startServer({ dataDir: dir.path });
      const c2 = pfsClient(again.grpcAddress);
      expect((await streamBytes(c2, 'GetFile', { file: 's@main:/late' })).toString()).toBe('written during shutdown');
      expect((await unary(c2, 'Fsck', { verifyData: true })).problems).toEqual([]);
      c2.close();
      await again.stop();
    } finally {
      client.close();
      await server.stop();
      await dir.remove();
    }
  });

  it('cancels calls still running after the grace period; a cut upload leaves nothing behind', async () => {
    const dir = await createTempDir('strata-sigterm');
    const server = await startServer({ dataDir: dir.path, args: ['--shutdown-grace-ms', '500'] });
    const client = pfsClient(server.grpcAddress);
    try {
      await unary(client, 'CreateRepo', { name: 's' });
      const base = await modify(client, [{ header: { target: 's@main' } }, { putFile: { path: '/a' } }, { data: Buffer.from('a') }]);
      const sub = client.SubscribeCommit({ branch: 's@main' }) as grpc.ClientReadableStream<unknown>;
      const subEnded = new Promise<grpc.ServiceError>((resolve) => sub.on('error', resolve));
      sub.on('data', () => undefined);
      const stalled = client.ModifyFile(() => undefined) as grpc.ClientWritableStream<object>;
      stalled.on('error', () => undefined);
      stalled.write({ header: { target: 's@main' } });
      stalled.write({ putFile: { path: '/half' } });
      stalled.write({ data: randomBytes(1 << 20) });
      await new Promise((r) => setTimeout(r, 300));

      const t0 = Date.now();
      server.child.kill('SIGTERM');
      const subErr = await subEnded;
      expect(subErr.code).toBe(grpc.status.UNAVAILABLE);
      expect(subErr.metadata.get('strata-error-code')).toEqual(['SHUTTING_DOWN']);
      expect(await server.stop(), server.logs.join('\n')).toEqual({ code: 0, signal: null });
      expect(Date.now() - t0).toBeLessThan(10_000);
      expect(server.logs.some((l) => l.includes('cancelling them'))).toBe(true);

      const again = await startServer({ dataDir: dir.path });
      const c2 = pfsClient(again.grpcAddress);
      expect((await unary(c2, 'InspectBranch', { branch: 's@main' })).head).toBe(base.id);
      expect((await serverStream(c2, 'WalkFile', { dir: 's@main:/' })).map((f) => f.path)).toEqual(['/a']);
      expect((await unary(c2, 'Fsck', {})).problems).toEqual([]);
      c2.close();
      await again.stop();
    } finally {
      client.close();
      await server.stop();
      await dir.remove();
    }
  });
});

async function waitFor(check: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check().catch(() => false))) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 25));
  }
}
