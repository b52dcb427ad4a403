// Starts a real S3-protocol server (the npm `s3rver`) on a free loopback port,
// backed by a temp directory, so S3 adapters are tested over HTTP as in production.
//
// It runs in a child process started with --openssl-legacy-provider: s3rver
// encrypts ListObjectsV2 continuation tokens with DES, which OpenSSL 3 only
// offers from its legacy provider; without it every truncated listing is a 500.
// The child exits when its parent goes (IPC disconnect), so no server outlives a test run.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createRequire } from 'node:module';
import { createTempDir } from './tmp.ts';

export interface TestS3Server {
  readonly endPoint: string;
  readonly port: number;
  /** `http://127.0.0.1:PORT` */
  readonly url: string;
  /** Created at start. */
  readonly bucket: string;
  readonly accessKey: string;
  readonly secretKey: string;
  readonly region: string;
  /** The s3rver process (for CPU accounting in benchmarks). */
  readonly pid: number;
  stop(): Promise<void>;
  /** kill -9 of the S3 server; its objects stay on disk for `restart`. */
  kill(): Promise<void>;
  /** Starts it again on the same port and directory, after `kill`. */
  restart(): Promise<void>;
}

/** s3rver's built-in credentials (see its README). */
const ACCESS_KEY = 'S3RVER';
const SECRET_KEY = 'S3RVER';

const SERVER_SCRIPT = `
const S3rver = require(process.argv[1]);
const [directory, bucket] = process.argv.slice(2);
const port = process.argv[4];
const server = new S3rver({ address: '127.0.0.1', port: Number(port ?? 0), silent: true, directory, configureBuckets: [{ name: bucket, configs: [] }] });
server.run().then((address) => process.send({ port: address.port }), (err) => { console.error(err); process.exit(1); });
process.on('disconnect', () => process.exit(0));
`;

export async function startS3Server(options: { bucket?: string } = {}): Promise<TestS3Server> {
  const bucket = options.bucket ?? 'strata-test';
  const dir = await createTempDir('strata-s3rver');
  const s3rverPath = createRequire(import.meta.url).resolve('s3rver');
  const launch = (port = 0): ChildProcess =>
    spawn(process.execPath, ['--openssl-legacy-provider', '-e', SERVER_SCRIPT, s3rverPath, dir.path, bucket, String(port)], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  let child = launch();
  let port: number;
  try {
    port = await portFrom(child);
  } catch (err) {
    child.kill('SIGKILL');
    await dir.remove();
    throw err;
  }
  return {
    endPoint: '127.0.0.1',
    port,
    url: `http://127.0.0.1:${port}`,
    bucket,
    accessKey: ACCESS_KEY,
    secretKey: SECRET_KEY,
    region: 'us-east-1',
    get pid() {
      return child.pid!;
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = once(child, 'exit');
        child.kill('SIGTERM');
        await exited;
      }
      await dir.remove();
    },
    async kill() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = once(child, 'exit');
      child.kill('SIGKILL');
      await exited;
    },
    async restart() {
      child = launch(port);
      await portFrom(child);
    },
  };
}

function portFrom(child: ChildProcess): Promise<number> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('s3rver did not start within 60 s')), 60_000);
    child.once('message', (message: { port: number }) => {
      clearTimeout(timer);
      resolve(message.port);
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`s3rver exited with code ${code} before listening`));
    });
  });
}
