// Load and crash loops against the real server, shared by the e2e tests
// (shortened) and `npm run bench -- reliability` (60 s of load, 50 kills).
import { randomInt } from 'node:crypto';
import { modify, pfsClient, serverStream, startServer, streamBytes, unary, type RawClient, type TestServer } from './server.ts';

/** A client on its own HTTP/2 connection (grpc-js shares one between channels with equal options). */
export function ownClient(address: string): RawClient {
  return pfsClient(address, { 'grpc.use_local_subchannel_pool': 1 });
}

export interface Ack {
  commit: string;
  writer: number;
  n: number;
}

/** Every commit writes both files of a pair with the same content: a reader that sees one without the other saw half a commit. */
const pairPaths = (writer: number, n: number) => [`/w${writer}/${n}/a`, `/w${writer}/${n}/b`];
const pairContent = (writer: number, n: number) => Buffer.from(`writer ${writer} commit ${n}\n`.repeat(1 + (n % 7)));

export async function writePair(client: RawClient, branch: string, writer: number, n: number): Promise<Ack> {
  const [a, b] = pairPaths(writer, n) as [string, string];
  const data = pairContent(writer, n);
  const info = await modify<{ id: string }>(client, [{ header: { target: branch } }, { putFile: { path: a } }, { data }, { putFile: { path: b } }, { data }]);
  return { commit: info.id, writer, n };
}

export interface LoadReport {
  writers: number;
  seconds: number;
  acknowledged: number;
  /** Writes that failed, by error code (each one is not acknowledged, so not expected to be present). */
  failedWrites: Record<string, number>;
  readerSnapshots: number;
  /** Problems found: half commits seen by readers, acknowledged writes missing, fsck problems. */
  problems: string[];
}

/** Files at a commit, grouped into pairs; a pair with one file is half a commit. */
async function checkWhole(client: RawClient, ref: string, problems: string[]): Promise<Set<string>> {
  const files = (await serverStream<{ path: string }>(client, 'WalkFile', { dir: `${ref}:/` })).map((f) => f.path);
  const set = new Set(files);
  for (const f of files) {
    const other = f.endsWith('/a') ? `${f.slice(0, -1)}b` : `${f.slice(0, -1)}a`;
    if (!set.has(other)) problems.push(`${ref}: ${f} without ${other} (half a commit visible)`);
  }
  return set;
}

/**
 * `writers` clients write pairs to one branch for `seconds` while two readers
 * check every head they see is whole (each writer makes at least
 * `minPerWriter` writes, past `seconds` if need be); then every acknowledged pair must be at
 * the head and in the branch's history, and fsck must be clean.
 */
export async function runLoad(server: TestServer, opts: { writers: number; seconds: number; repo?: string; minPerWriter?: number }): Promise<LoadReport> {
  const repo = opts.repo ?? 'load';
  const branch = `${repo}@main`;
  const admin = ownClient(server.grpcAddress);
  await unary(admin, 'CreateRepo', { name: repo });
  const report: LoadReport = { writers: opts.writers, seconds: opts.seconds, acknowledged: 0, failedWrites: {}, readerSnapshots: 0, problems: [] };
  const acks: Ack[] = [];
  const until = Date.now() + opts.seconds * 1000;
  let writing = true;
  const writer = async (w: number): Promise<void> => {
    const client = ownClient(server.grpcAddress);
    try {
      // At least minPerWriter writes each, however slow the machine: a loaded
      // machine makes fewer writes in the time, never a weaker test.
      for (let n = 0; n < (opts.minPerWriter ?? 0) || Date.now() < until; n++) {
        try {
          acks.push(await writePair(client, branch, w, n));
        } catch (err) {
          const code = (err as { code?: string }).code ?? 'UNKNOWN';
          report.failedWrites[code] = (report.failedWrites[code] ?? 0) + 1;
        }
      }
    } finally {
      client.close();
    }
  };
  const reader = async (): Promise<void> => {
    const client = ownClient(server.grpcAddress);
    try {
      let seen = new Set<string>();
      while (writing) {
        const head = await unary<{ head: string }>(client, 'InspectBranch', { branch }).then(
          (b) => b.head,
          (err: { code?: string }) => {
            if (err.code !== 'BRANCH_NOT_FOUND') throw err; // made by the first commit
          },
        );
        if (!head) {
          await new Promise((r) => setTimeout(r, 20));
          continue;
        }
        const files = await checkWhole(client, `${repo}@${head}`, report.problems);
        // Heads only move forward: what one head had, a later head still has (no lost update).
        for (const f of seen) if (!files.has(f)) report.problems.push(`${f} vanished from a later head ${head}`);
        seen = files;
        report.readerSnapshots++;
      }
    } finally {
      client.close();
    }
  };
  const readers = [reader(), reader()];
  await Promise.all(Array.from({ length: opts.writers }, (_, w) => writer(w)));
  writing = false;
  await Promise.all(readers);
  report.acknowledged = acks.length;

  const final = await checkWhole(admin, branch, report.problems);
  for (const a of acks) for (const p of pairPaths(a.writer, a.n)) if (!final.has(p)) report.problems.push(`acknowledged ${p} (commit ${a.commit}) missing at the head`);
  const history = new Set((await serverStream<{ id: string }>(admin, 'ListCommit', { ref: branch })).map((c) => c.id));
  for (const a of acks) if (!history.has(a.commit)) report.problems.push(`acknowledged commit ${a.commit} not in the history of ${branch}`);
  const sample = acks.filter((_, i) => i % Math.max(1, Math.floor(acks.length / 20)) === 0);
  for (const a of sample) {
    const got = await streamBytes(admin, 'GetFile', { file: `${repo}@${a.commit}:${pairPaths(a.writer, a.n)[0]}` });
    if (!got.equals(pairContent(a.writer, a.n))) report.problems.push(`commit ${a.commit}: wrong bytes for writer ${a.writer} commit ${a.n}`);
  }
  const fsck = await unary<{ problems: unknown[] }>(admin, 'Fsck', { verifyData: true });
  for (const p of fsck.problems) report.problems.push(`fsck: ${JSON.stringify(p)}`);
  admin.close();
  return report;
}

export interface KillReport {
  rounds: number;
  acknowledged: number;
  lost: number;
  problems: string[];
}

/**
 * `rounds` times: start the server on one data directory, check every commit
 * acknowledged so far is there with its bytes and fsck is clean, let
 * `writers` clients commit, and kill -9 the server at a random moment
 * (`maxDelayMs` at most after its first acknowledged commit of the round).
 */
export async function runKillLoop(dataDir: string, opts: { rounds: number; writers: number; maxDelayMs: number; log?: (line: string) => void }): Promise<KillReport> {
  const report: KillReport = { rounds: 0, acknowledged: 0, lost: 0, problems: [] };
  const acks: Ack[] = [];
  let n = 0;
  for (let round = 0; round <= opts.rounds; round++) {
    const server = await startServer({ dataDir });
    const client = ownClient(server.grpcAddress);
    try {
      if (round === 0) await unary(client, 'CreateRepo', { name: 'crash' });
      for (const a of acks) {
        const [path] = pairPaths(a.writer, a.n) as [string];
        try {
          const got = await streamBytes(client, 'GetFile', { file: `crash@${a.commit}:${path}` });
          if (!got.equals(pairContent(a.writer, a.n))) report.problems.push(`round ${round}: commit ${a.commit} has wrong bytes`);
        } catch (err) {
          report.lost++;
          report.problems.push(`round ${round}: acknowledged commit ${a.commit} lost: ${(err as Error).message}`);
        }
      }
      if (acks.length > 0) await checkWhole(client, 'crash@main', report.problems);
      const fsck = await unary<{ problems: unknown[] }>(client, 'Fsck', { verifyData: true });
      for (const p of fsck.problems) report.problems.push(`round ${round}: fsck: ${JSON.stringify(p)}`);
      if (round === opts.rounds) break;

      let firstAck!: () => void;
      const first = new Promise<void>((r) => (firstAck = r));
      let killed = false;
      const writer = async (w: number): Promise<void> => {
        const c = ownClient(server.grpcAddress);
        try {
          while (!killed) {
            const k = n++;
            try {
              // An answer at all means the server acknowledged the commit before it died.
              acks.push(await writePair(c, 'crash@main', w, k));
              firstAck();
            } catch {
              // Cut by the kill (or refused): not acknowledged, so not expected.
            }
          }
        } finally {
          c.close();
        }
      };
      const writers = Array.from({ length: opts.writers }, (_, w) => writer(w));
      await first;
      await new Promise((r) => setTimeout(r, randomInt(0, opts.maxDelayMs + 1)));
      process.kill(server.pid, 'SIGKILL');
      await server.stop();
      killed = true;
      await Promise.all(writers);
      report.rounds++;
      opts.log?.(`round ${round + 1}/${opts.rounds}: ${acks.length} acknowledged so far`);
    } finally {
      client.close();
      await server.stop();
    }
  }
  report.acknowledged = acks.length;
  return report;
}
