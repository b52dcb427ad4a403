// An S3-protocol server for the benchmark: the npm `s3rver` in a child
// process on a free loopback port, its objects in a directory we choose
// (test/helpers/s3-server.ts does the same for tests, in a temp dir).
// --openssl-legacy-provider: s3rver encrypts ListObjectsV2 continuation
// tokens with DES, which OpenSSL 3 offers only from its legacy provider.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createRequire } from 'node:module';
import { Client } from 'minio';
import type { S3Target } from './strata-ingest-child.ts';

export interface BenchS3Server extends S3Target {
  /** Objects whose key starts with `prefix`. */
  countObjects(prefix: string): Promise<number>;
  stop(): Promise<void>;
}

const SERVER_SCRIPT = `
const S3rver = require(process.argv[1]);
const [directory, bucket] = process.argv.slice(2);
const server = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory, configureBuckets: [{ name: bucket, configs: [] }] });
server.run().then((address) => process.send({ port: address.port }), (err) => { console.error(err); process.exit(1); });
process.on('disconnect', () => process.exit(0));
`;

export async function startS3Server(directory: string, bucket = 'strata-bench'): Promise<BenchS3Server> {
  const s3rver = createRequire(import.meta.url).resolve('s3rver');
  const child = spawn(process.execPath, ['--openssl-legacy-provider', '-e', SERVER_SCRIPT, s3rver, directory, bucket], {
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('s3rver did not start within 10 s')), 10_000);
    child.once('message', (m: { port: number }) => (clearTimeout(timer), resolve(m.port)));
    child.once('exit', (code) => (clearTimeout(timer), reject(new Error(`s3rver exited with ${code} before listening`))));
  }).catch((err: unknown) => {
    child.kill('SIGKILL');
    throw err;
  });
  // s3rver's built-in credentials.
  const target: S3Target = { endPoint: '127.0.0.1', port, bucket, accessKey: 'S3RVER', secretKey: 'S3RVER', region: 'us-east-1' };
  const client = new Client({ ...target, useSSL: false, pathStyle: true });
  return {
    ...target,
    async countObjects(prefix) {
      let n = 0;
      for await (const _ of client.listObjectsV2(bucket, prefix, true)) n++;
      return n;
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      await exited;
    },
  };
}
