// The reader's own check of what it receives: bytes altered between the
// server and the client (here by a TCP relay that flips one byte of a file's
// body in flight) are refused as CHUNK_CORRUPT (DataLoss), and never handed
// on: `get -o` leaves no file, `get` to stdout writes only bytes before the
// damaged chunk. Every way the SDK reads chunks is checked: the bulk
// connection the server offers (host:port addresses; its relay listens on
// 127.0.0.2 at the server's bulk port, so the client, which connects to that
// port on the host it called, goes through it), Node's HTTP/2 client (a
// relay on 127.0.0.3, where no bulk port answers, so the SDK falls back to
// HTTP/2) and grpc-js (any other address form).
import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { connect, createServer, type AddressInfo, type Socket } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createClient, type ChunkRef } from '../../client/sdk/index.ts';
import { createCli, type Cli } from '../helpers/cli.ts';
import { startServer, type TestServer } from '../helpers/server.ts';
import { createTempDir, type TempDir } from '../helpers/tmp.ts';

/** Shared by the relays: while armed, the first server-to-client read holding `marker` has one byte flipped. */
type RelayState = { armed: boolean; flipped: number };

/** A relay on `host` (port `port`, or any) to `target`; `passed()`: bytes it passed from the server. */
async function startRelay(host: string, port: number, target: string, marker: Buffer, state: RelayState) {
  const colon = target.lastIndexOf(':');
  const sockets = new Set<Socket>();
  let passed = 0;
  const server = createServer((client) => {
    const upstream = connect({ host: target.slice(0, colon), port: Number(target.slice(colon + 1)) });
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => (client.destroy(), upstream.destroy()));
    }
    client.pipe(upstream);
    upstream.on('data', (d: Buffer) => {
      passed += d.length;
      const at = state.armed ? d.indexOf(marker) : -1;
      if (at >= 0) {
        d[at + 3]! ^= 0x40;
        state.armed = false;
        state.flipped++;
      }
      client.write(d);
    });
    upstream.on('end', () => client.end());
  });
  await new Promise<void>((resolve) => server.listen(port, host, resolve));
  return {
    address: `${host}:${(server.address() as AddressInfo).port}`,
    passed: () => passed,
    close: () => new Promise<void>((resolve) => (sockets.forEach((s) => s.destroy()), server.close(() => resolve()))),
  };
}

const marker = Buffer.from(`integrity-marker-${randomBytes(12).toString('hex')}`);
// Random bytes (several chunks) with the marker in the middle: only the relay's flip can damage it.
const body = Buffer.concat([randomBytes(700_000), marker, randomBytes(700_000)]);
const sha = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

let server: TestServer;
let tmp: TempDir;
type Relay = Awaited<ReturnType<typeof startRelay>>;
const relays: Relay[] = [];
/** Through 127.0.0.2: gRPC and the bulk connection. */
const bulkState: RelayState = { armed: false, flipped: 0 };
/** Through 127.0.0.3: gRPC only (no bulk port answers there). */
const h2State: RelayState = { armed: false, flipped: 0 };
let bulkRelay: Relay;
let bulkPortRelay: Relay;
let h2Relay: Relay;
let direct: Cli;

beforeAll(async () => {
  [server, tmp] = await Promise.all([startServer(), createTempDir('strata-integrity')]);
  const ready = server.logs.map((l) => /"msg":"strata server ready"/.test(l) && JSON.parse(l)).find(Boolean) as { bulk?: string };
  const bulkAddress = ready.bulk!;
  relays.push(
    (bulkRelay = await startRelay('127.0.0.2', 0, server.grpcAddress, marker, bulkState)),
    (bulkPortRelay = await startRelay('127.0.0.2', Number(bulkAddress.slice(bulkAddress.lastIndexOf(':') + 1)), bulkAddress, marker, bulkState)),
    (h2Relay = await startRelay('127.0.0.3', 0, server.grpcAddress, marker, h2State)),
  );
  direct = createCli(server.grpcAddress, join(tmp.path, 'config.json'));
  await writeFile(join(tmp.path, 'f.bin'), body);
  expect((await direct.run(['repo', 'create', 'data'])).code).toBe(0);
  expect((await direct.run(['put', 'data@main:/f.bin', join(tmp.path, 'f.bin')])).code).toBe(0);
}, 120_000);

afterAll(async () => {
  await Promise.all(relays.map((r) => r.close()));
  await server?.cleanup();
  await tmp?.remove();
});

beforeEach(() => {
  bulkState.armed = false;
  h2State.armed = false;
});

/** The two ways a host:port client reads: the relay it calls, the relay the file's bytes pass, their state. */
const ways = [
  ['the bulk connection', () => ({ relay: bulkRelay, carrier: bulkPortRelay, state: bulkState })],
  ['HTTP/2 (no bulk connection reachable)', () => ({ relay: h2Relay, carrier: h2Relay, state: h2State })],
] as const;

describe.each(ways)('bytes damaged on the way to the reader, over %s', (_way, which) => {
  const cli = (): Cli => createCli(which().relay.address, join(tmp.path, 'config.json'));

  it('read untouched through the relay, the file comes back whole (the relay itself changes nothing)', { timeout: 60_000 }, async () => {
    const out = join(tmp.path, `clean-${which().relay.address}.bin`);
    const before = which().carrier.passed();
    const r = await cli().run(['get', 'data@main:/f.bin', '-o', out]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(sha(await readFile(out))).toBe(sha(body));
    // The file's bytes came this way, not another.
    expect(which().carrier.passed() - before).toBeGreaterThanOrEqual(body.length);
  });

  it('get -o fails with CHUNK_CORRUPT and leaves neither the file nor a temp file', { timeout: 60_000 }, async () => {
    const dir = join(tmp.path, `out-o-${which().relay.address}`);
    await mkdir(dir);
    which().state.armed = true;
    const before = which().state.flipped;
    const r = await cli().run(['get', 'data@main:/f.bin', '-o', join(dir, 'f.bin')]);
    expect(which().state.flipped).toBe(before + 1);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/chunk [0-9a-f]{64} as received is corrupt/);
    expect(existsSync(join(dir, 'f.bin'))).toBe(false);
    expect(await readdir(dir)).toEqual([]);
  });

  it('get to stdout writes only bytes of the file that came before the damaged chunk', { timeout: 60_000 }, async () => {
    which().state.armed = true;
    const before = which().state.flipped;
    const r = await cli().run(['get', 'data@main:/f.bin']);
    expect(which().state.flipped).toBe(before + 1);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/corrupt/);
    expect(r.stdout.length).toBeLessThan(body.indexOf(marker) + marker.length);
    expect(r.stdout.equals(body.subarray(0, r.stdout.length))).toBe(true);
  });
});

describe('the SDK refuses a chunk damaged on the way', { timeout: 60_000 }, () => {
  it.each([
    ['over the bulk connection (host:port)', () => ({ address: bulkRelay.address, state: bulkState })],
    ['over Node HTTP/2 (host:port, no bulk connection reachable)', () => ({ address: h2Relay.address, state: h2State })],
    ['over grpc-js (ipv4: address)', () => ({ address: `ipv4:${h2Relay.address}`, state: h2State })],
  ])('%s as DataLoss and hands on only verified chunks', async (_name, which) => {
    const clean = createClient({ address: server.grpcAddress });
    const info = await clean.inspectFile('data@main:/f.bin', { includeChunks: true });
    clean.close();
    const refs = info.chunks as ChunkRef[];
    const { address, state } = which();
    const client = createClient({ address });
    try {
      expect(sha(Buffer.concat(await collect(client.getChunks(refs))))).toBe(sha(body)); // untouched: whole
      state.armed = true;
      const before = state.flipped;
      const got: Buffer[] = [];
      const err = await collect(client.getChunks(refs), got).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(state.flipped).toBe(before + 1);
      expect(err).toMatchObject({ code: 'CHUNK_CORRUPT', kind: 'DataLoss' });
      expect(got.length).toBeLessThan(refs.length);
      got.forEach((c, i) => expect(sha(c), `chunk ${i}`).toBe(refs[i]!.hash));
    } finally {
      client.close();
    }
  });
});

async function collect(chunks: AsyncIterable<Buffer>, into: Buffer[] = []): Promise<Buffer[]> {
  for await (const c of chunks) into.push(Buffer.from(c));
  return into;
}
