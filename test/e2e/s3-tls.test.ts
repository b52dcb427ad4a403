// The S3 gateway over TLS: the real server with --tls-cert/--tls-key serves
// its S3 port as HTTPS with the same certificate as gRPC and HTTP. aws cli v2
// trusting the CA (AWS_CA_BUNDLE) copies a file up and down and the commit
// shows it; without the CA it is refused, and plaintext HTTP gets no S3 answer.
import { writeFile, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findTool, history, run, runOk, skipReason, startS3Server, type S3TestServer } from '../helpers/s3.ts';
import { makeCerts, type TestCerts } from '../helpers/tls.ts';
import { createTempDir, type TempDir } from '../helpers/tmp.ts';

const aws = findTool(['/usr/bin/aws']);
const skip = skipReason('aws cli v2 (/usr/bin/aws, Debian package awscli)', aws);

describe.skipIf(skip)('S3 gateway over TLS', () => {
  let tmp: TempDir;
  let certs: TestCerts;
  let server: S3TestServer;
  beforeAll(async () => {
    tmp = await createTempDir('strata-s3-tls');
    certs = makeCerts(tmp.path);
    server = await startS3Server({ tlsCa: certs.ca, args: ['--tls-cert', certs.certFile, '--tls-key', certs.keyFile] });
  }, 120_000);
  afterAll(async () => {
    await server?.cleanup();
    await tmp?.remove();
  });

  it('serves aws cli over https with the server certificate; refuses an untrusting client and plaintext', async () => {
    expect(server.s3Url).toMatch(/^https:\/\//);
    const env = { ...server.clientEnv, AWS_CA_BUNDLE: certs.caFile };
    const s3 = (...args: string[]) => runOk(aws!, ['--endpoint-url', server.s3Url, ...args], { env });
    const file = join(tmp.path, 'up.bin');
    const body = randomBytes(300_000);
    await writeFile(file, body);
    await s3('s3', 'mb', 's3://secure');
    await s3('s3', 'cp', file, 's3://secure/dir/up.bin');
    await s3('s3', 'cp', 's3://secure/dir/up.bin', join(tmp.path, 'down.bin'));
    expect((await readFile(join(tmp.path, 'down.bin'))).equals(body)).toBe(true);
    expect((await history(server.pfs, 'secure@main')).map((c) => c.changes)).toEqual([['+/dir/up.bin']]);

    // The system CAs do not include the test CA: the certificate is refused.
    const untrusting = await run(aws!, ['--endpoint-url', server.s3Url, 's3', 'ls', 's3://secure'], { env: { ...server.clientEnv, AWS_MAX_ATTEMPTS: '1' } });
    expect(untrusting.code).not.toBe(0);
    expect(untrusting.stderr).toMatch(/SSL|certificate/i);
    // Plaintext to the TLS port: no S3 answer.
    const plain = await fetch(server.s3Url.replace('https://', 'http://') + '/secure').then((r) => r.status, (e: Error) => e.message);
    expect(plain).not.toBe(200);
  }, 120_000);
});
