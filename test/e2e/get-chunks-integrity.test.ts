// The reader's own check of what it receives: bytes altered between the
// server and the client (here by a TCP relay that flips one byte of a file's
// body in flight) are refused as CHUNK_CORRUPT (DataLoss), and never handed
// on: `get -o` leaves no file, `get` to stdout writes only bytes before the
// damaged chunk. Both ways the SDK reads chunks are checked: Node's HTTP/2
// client (host:port addresses) and grpc-js (any other address form).
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

/** A loopback relay to `target`; while armed, flips one byte of the first server-to-client read holding `marker`. */
async function startRelay(target: string, marker: Buffer) {
  const colon = target.lastIndexOf(':');
  const sockets = new Set<Socket>();
  const state = { armed: false, flipped: 0 };
  const server = createServer((client) => {
    const upstream = connect({ host: target.slice(0, colon), port: Number(target.slice(colon + 1)) });
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => (client.destroy(), upstream.destroy()));
    }
    client.pipe(upstream);
    upstream.on('data', (d: Buffer) => {
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
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    state,
    close: () => new Promise<void>((resolve) => (sockets.forEach((s) => s.destroy()), server.close(() => resolve()))),
  };
}

const marker = Buffer.from(`integrity-marker-${randomBytes(12).toString('hex')}`);
// Random bytes (several chunks) with the marker in the middle: only the relay's flip can damage it.
const body = Buffer.concat([randomBytes(700_000), marker, randomBytes(700_000)]);
const sha = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

let server: TestServer;
let tmp: TempDir;
let relay: Awaited<ReturnType<typeof startRelay>>;
let direct: Cli;
let relayed: Cli;

beforeAll(async () => {
  [server, tmp] = await Promise.all([startServer(), createTempDir('strata-integrity')]);
  relay = await startRelay(server.grpcAddress, marker);
  direct = createCli(server.grpcAddress, join(tmp.path, 'config.json'));
  relayed = createCli(`127.0.0.1:${relay.port}`, join(tmp.path, 'config.json'));
  await writeFile(join(tmp.path, 'f.bin'), body);
  expect((await direct.run(['repo', 'create', 'data'])).code).toBe(0);
  expect((await direct.run(['put', 'data@main:/f.bin', join(tmp.path, 'f.bin')])).code).toBe(0);
}, 120_000);

afterAll(async () => {
  await relay?.close();
  await server?.cleanup();
  await tmp?.remove();
});

beforeEach(() => {
  relay.state.armed = false;
});

describe('bytes damaged on the way to the reader', { timeout: 60_000 }, () => {
  it('read untouched through the relay, the file comes back whole (the relay itself changes nothing)', async () => {
    const out = join(tmp.path, 'clean.bin');
    const r = await relayed.run(['get', 'data@main:/f.bin', '-o', out]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(sha(await readFile(out))).toBe(sha(body));
  });

  it('get -o fails with CHUNK_CORRUPT and leaves neither the file nor a temp file', async () => {
    const dir = join(tmp.path, 'out-o');
    await mkdir(dir);
    relay.state.armed = true;
    const before = relay.state.flipped;
    const r = await relayed.run(['get', 'data@main:/f.bin', '-o', join(dir, 'f.bin')]);
    expect(relay.state.flipped).toBe(before + 1);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/chunk [0-9a-f]{64} as received is corrupt/);
    expect(existsSync(join(dir, 'f.bin'))).toBe(false);
    expect(await readdir(dir)).toEqual([]);
  });

  it('get to stdout writes only bytes of the file that came before the damaged chunk', async () => {
    relay.state.armed = true;
    const r = await relayed.run(['get', 'data@main:/f.bin']);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/corrupt/);
    expect(r.stdout.length).toBeLessThan(body.indexOf(marker) + marker.length);
    expect(r.stdout.equals(body.subarray(0, r.stdout.length))).toBe(true);
  });

  it.each([
    ['Node HTTP/2 (host:port)', (port: number) => `127.0.0.1:${port}`],
    ['grpc-js (ipv4: address)', (port: number) => `ipv4:127.0.0.1:${port}`],
  ])('the SDK (%s) refuses the damaged chunk as DataLoss and hands on only verified chunks', async (_name, address) => {
    const clean = createClient({ address: server.grpcAddress });
    const info = await clean.inspectFile('data@main:/f.bin', { includeChunks: true });
    clean.close();
    const refs = info.chunks as ChunkRef[];
    const client = createClient({ address: address(relay.port) });
    try {
      expect(sha(Buffer.concat(await collect(client.getChunks(refs))))).toBe(sha(body)); // untouched: whole
      relay.state.armed = true;
      const got: Buffer[] = [];
      const err = await collect(client.getChunks(refs), got).then(
        () => undefined,
        (e: unknown) => e,
      );
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
