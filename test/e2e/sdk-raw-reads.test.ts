// The SDK's reads over Node's own HTTP/2 client (client/sdk/transport.ts):
// idempotent unary calls and server streams go without grpc-js, which is
// loaded only for writes; against the real server, a read answers and fails
// exactly as the same call made through grpc-js does (same values, same
// StrataError code, kind and data), and a deadline is kept.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StrataError } from '../../client/sdk/index.ts';
import { Transport } from '../../client/sdk/transport.ts';
import { startServer, type TestServer } from '../helpers/server.ts';

let server: TestServer;

beforeAll(async () => {
  server = await startServer();
});

afterAll(async () => {
  await server?.cleanup();
});

const options = () => ({ address: server.grpcAddress, deadlineMs: 10_000, retries: 0, backoffMs: 10, connectTimeoutMs: 3000 });

/** Whether this transport loaded grpc-js and made its channel. */
const usedGrpc = (t: Transport): boolean => (t as unknown as { grpcLoading?: unknown }).grpcLoading !== undefined;

async function failure(p: Promise<unknown>): Promise<StrataError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(StrataError);
  return err as StrataError;
}

async function all<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

describe('reads without grpc-js', () => {
  it('a write loads grpc-js; reads do not, and answer as through grpc-js', async () => {
    const writer = new Transport(options());
    const raw = new Transport(options());
    const viaGrpc = new Transport(options());
    viaGrpc.rawChannelFailed(); // every call of this one goes through grpc-js
    try {
      await writer.unary('CreateRepo', { name: 'rawreads', description: 'd' }, { idempotent: false });
      expect(usedGrpc(writer)).toBe(true);
      for (let i = 0; i < 3; i++) {
        const c = await writer.unary('StartCommit', { branch: 'rawreads@main', description: `c${i}` }, { idempotent: false });
        await writer.unary('FinishCommit', { commit: `rawreads@${c.id}` }, { idempotent: false });
      }

      const a = await raw.unary('InspectRepo', { name: 'rawreads' }, { idempotent: true });
      const b = await viaGrpc.unary('InspectRepo', { name: 'rawreads' }, { idempotent: true });
      expect(a).toEqual(b);
      expect(a).toMatchObject({ name: 'rawreads', description: 'd' });
      const listA = await all(raw.serverStream('ListCommit', { ref: 'rawreads@main' }, { idempotent: true }));
      const listB = await all(viaGrpc.serverStream('ListCommit', { ref: 'rawreads@main' }, { idempotent: true }));
      expect(listA).toEqual(listB);
      expect(listA.map((c) => c.description)).toEqual(['c2', 'c1', 'c0']);

      const missingA = await failure(raw.unary('InspectRepo', { name: 'nosuchrepo' }, { idempotent: true }));
      const missingB = await failure(viaGrpc.unary('InspectRepo', { name: 'nosuchrepo' }, { idempotent: true }));
      expect({ code: missingA.code, kind: missingA.kind, data: missingA.data, message: missingA.message }).toEqual({
        code: missingB.code,
        kind: missingB.kind,
        data: missingB.data,
        message: missingB.message,
      });
      expect(missingA.kind).toBe('NotFound');
      const streamA = await failure(all(raw.serverStream('ListCommit', { ref: 'nosuchrepo@main' }, { idempotent: true })));
      expect(streamA.kind).toBe('NotFound');
      expect(usedGrpc(raw)).toBe(false);
    } finally {
      writer.close();
      raw.close();
      viaGrpc.close();
    }
  });

  it('a read past its deadline fails with DEADLINE_EXCEEDED, as through grpc-js', async () => {
    const writer = new Transport(options());
    const raw = new Transport(options());
    const viaGrpc = new Transport(options());
    viaGrpc.rawChannelFailed();
    try {
      await writer.unary('CreateRepo', { name: 'rawwait', description: '' }, { idempotent: false });
      const open = await writer.unary('StartCommit', { branch: 'rawwait@main' }, { idempotent: false });
      const commit = `rawwait@${open.id}`;
      // The commit stays open: waiting for it ends only at the deadline.
      const a = await failure(raw.unary('WaitCommit', { commit }, { idempotent: true, deadlineMs: 300 }));
      const b = await failure(viaGrpc.unary('WaitCommit', { commit }, { idempotent: true, deadlineMs: 300 }));
      expect(a.code).toBe(b.code);
      expect(a.code).toBe('DEADLINE_EXCEEDED');
      expect(usedGrpc(raw)).toBe(false);
    } finally {
      writer.close();
      raw.close();
      viaGrpc.close();
    }
  });

  it('an idle connection the server closed (GOAWAY) is opened again by the next read', async () => {
    const idle = await startServer({ args: ['--idle-timeout-ms', '300'] });
    const t = new Transport({ ...options(), address: idle.grpcAddress });
    try {
      expect(await t.unary('ListRepo', {}, { idempotent: true })).toMatchObject({ repos: [] });
      const first = (t as unknown as { raw: { session?: { closed: boolean } } }).raw.session;
      await new Promise<void>((resolve) => {
        const wait = (): void => void (first?.closed ? resolve() : setTimeout(wait, 50));
        wait();
      });
      expect(await t.unary('ListRepo', {}, { idempotent: true })).toMatchObject({ repos: [] });
      const second = (t as unknown as { raw: { session?: unknown } }).raw.session;
      expect(second !== undefined && second !== first, 'a new connection').toBe(true);
      expect(usedGrpc(t)).toBe(false);
    } finally {
      t.close();
      await idle.cleanup();
    }
  });
});
