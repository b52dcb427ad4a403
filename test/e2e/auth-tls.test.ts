// TLS end to end: certificates made here with openssl (a CA, a server
// certificate for 127.0.0.1, a client certificate, an unrelated CA), the real
// server with --tls-cert/--tls-key (and --tls-client-ca for mutual TLS),
// reached by the SDK, the CLI (--tls-ca) and https. A client that does not
// trust the CA, speaks plaintext, or (under mTLS) shows no certificate is
// refused; auth works over TLS as without it.
import { randomBytes } from 'node:crypto';
import { get } from 'node:https';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAuthClient, createClient, StrataError, type TlsOptions } from '../../client/sdk/index.ts';
import { createCli } from '../helpers/cli.ts';
import { startServer, type TestServer } from '../helpers/server.ts';
import { makeCerts, type TestCerts } from '../helpers/tls.ts';
import { createTempDir, type TempDir } from '../helpers/tmp.ts';

let tmp: TempDir;
let certs: TestCerts;
const opened: { close(): void }[] = [];

beforeAll(async () => {
  tmp = await createTempDir('strata-tls');
  certs = makeCerts(tmp.path);
});

afterAll(async () => {
  for (const c of opened) c.close();
  await tmp?.remove();
});

function sdk(server: TestServer, tls?: TlsOptions, token?: string) {
  const c = { pfs: createClient({ address: server.grpcAddress, tls, token }), auth: createAuthClient({ address: server.grpcAddress, tls, token }) };
  opened.push(c.pfs, c.auth);
  return c;
}

async function failure(p: Promise<unknown>): Promise<StrataError> {
  const err = await p.then(() => undefined, (e: unknown) => e);
  expect(err, 'the call should have failed').toBeInstanceOf(StrataError);
  return err as StrataError;
}

/** GET over https with these options; the status, or the error's code. */
function httpsStatus(url: string, opts: { ca?: Buffer; cert?: Buffer; key?: Buffer }): Promise<number | string> {
  return new Promise((resolve) => {
    const req = get(url, { ...opts, timeout: 10_000 }, (res) => (res.resume(), resolve(res.statusCode ?? 0)));
    req.on('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? err.message));
  });
}

describe('TLS', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer({ tls: true, args: ['--tls-cert', certs.certFile, '--tls-key', certs.keyFile] });
  }, 120_000);
  afterAll(() => server?.cleanup());

  it('a client trusting the CA works; plaintext and an unrelated CA are refused', async () => {
    const ok = sdk(server, { ca: certs.ca });
    await ok.pfs.createRepo('secure');
    expect((await ok.pfs.listRepos()).map((r) => r.name)).toEqual(['secure']);
    expect((await failure(sdk(server).pfs.listRepos())).kind).toBe('Unavailable');
    expect((await failure(sdk(server, { ca: certs.otherCa }).pfs.listRepos())).kind).toBe('Unavailable');
  });

  it('the HTTP port speaks https with the same certificate', async () => {
    const url = server.httpUrl.replace('http://', 'https://');
    expect(await httpsStatus(`${url}/healthz`, { ca: certs.ca })).toBe(200);
    expect(await httpsStatus(`${url}/healthz`, { ca: certs.otherCa })).toMatch(/CERT|SELF_SIGNED|UNABLE/);
    const plain = await fetch(`${url.replace('https://', 'http://')}/healthz`).then((r) => r.status, (e: Error) => e.message);
    expect(plain).not.toBe(200);
  });

  it('the CLI connects with --tls-ca (or STRATA_TLS_CA), and not without it', async () => {
    const cli = createCli(server.grpcAddress, `${tmp.path}/cli-config.json`);
    const withCa = await cli.run(['--tls-ca', certs.caFile, 'repo', 'list', '--json']);
    expect(withCa.stderr).toBe('');
    expect(withCa.code).toBe(0);
    expect(withCa.out).toContain('"secure"');
    expect((await cli.run(['repo', 'list'], { env: { STRATA_TLS_CA: certs.caFile } })).code).toBe(0);
    const without = await cli.run(['repo', 'list', '--connect-timeout', '0']);
    expect(without.code).toBe(10);
  });

  it('auth over TLS: activate, then the token works and no token is refused', async () => {
    const anon = sdk(server, { ca: certs.ca });
    const { rootToken } = await anon.auth.activate();
    expect((await sdk(server, { ca: certs.ca }, rootToken).auth.whoAmI()).subject).toBe('user:root');
    expect((await failure(anon.pfs.listRepos())).code).toBe('UNAUTHENTICATED');
    // File bytes are read by chunk over a second HTTP/2 connection (client/sdk/raw-stream.ts): same TLS, same token.
    const root = sdk(server, { ca: certs.ca }, rootToken);
    const bytes = randomBytes(600_000);
    await root.pfs.put('secure@main:/f.bin', bytes);
    const info = await root.pfs.inspectFile('secure@main:/f.bin', { includeChunks: true });
    expect(info.chunks!.length).toBeGreaterThan(1);
    const parts: Buffer[] = [];
    for await (const c of root.pfs.getChunks(info.chunks!, { file: `secure@${info.commit}:/f.bin` })) parts.push(c);
    expect(Buffer.concat(parts).equals(bytes)).toBe(true);
    expect((await failure(collect(anon.pfs.getChunks(info.chunks!, { file: `secure@${info.commit}:/f.bin` })))).code).toBe('UNAUTHENTICATED');
  });
});

async function collect(chunks: AsyncIterable<Buffer>): Promise<number> {
  let n = 0;
  for await (const c of chunks) n += c.length;
  return n;
}

describe('mutual TLS (--tls-client-ca)', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer({ tls: true, args: ['--tls-cert', certs.certFile, '--tls-key', certs.keyFile, '--tls-client-ca', certs.caFile] });
  }, 120_000);
  afterAll(() => server?.cleanup());

  it('a client with a certificate from the CA works; one without is refused (gRPC and https)', async () => {
    const withCert = sdk(server, { ca: certs.ca, cert: certs.clientCert, key: certs.clientKey });
    await withCert.pfs.createRepo('mtls');
    expect((await withCert.pfs.listRepos()).map((r) => r.name)).toEqual(['mtls']);
    const bytes = randomBytes(300_000);
    await withCert.pfs.put('mtls@main:/f.bin', bytes);
    const info = await withCert.pfs.inspectFile('mtls@main:/f.bin', { includeChunks: true });
    expect((await collect(withCert.pfs.getChunks(info.chunks!)))).toBe(bytes.length);
    expect((await failure(collect(sdk(server, { ca: certs.ca }).pfs.getChunks(info.chunks!)))).kind).toBe('Unavailable');
    expect((await failure(sdk(server, { ca: certs.ca }).pfs.listRepos())).kind).toBe('Unavailable');
    const url = server.httpUrl.replace('http://', 'https://');
    expect(await httpsStatus(`${url}/healthz`, { ca: certs.ca, cert: certs.clientCert, key: certs.clientKey })).toBe(200);
    expect(await httpsStatus(`${url}/healthz`, { ca: certs.ca })).not.toBe(200);
  });

  it('the CLI presents --tls-cert/--tls-key', async () => {
    const cli = createCli(server.grpcAddress, `${tmp.path}/cli-config-mtls.json`);
    const res = await cli.run(['--tls-ca', certs.caFile, '--tls-cert', certs.clientCertFile, '--tls-key', certs.clientKeyFile, 'repo', 'list', '--json']);
    expect(res.stderr).toBe('');
    expect(res.out).toContain('"mtls"');
    expect((await cli.run(['--tls-ca', certs.caFile, '--tls-cert', certs.clientCertFile, 'repo', 'list'])).code).toBe(2);
  });
});

describe('the warning off loopback', () => {
  it('a server on 0.0.0.0 without auth or TLS says so loudly; with TLS it names only auth', async () => {
    const bare = await startServer({ args: ['--grpc', '0.0.0.0:0'] });
    try {
      expect(bare.logs.join('\n')).toMatch(/WARNING: strata server is listening on 0\.0\.0\.0:\d+ \(not loopback\) WITHOUT auth .* and WITHOUT TLS/);
    } finally {
      await bare.cleanup();
    }
    const tls = await startServer({ tls: true, args: ['--grpc', '0.0.0.0:0', '--tls-cert', certs.certFile, '--tls-key', certs.keyFile] });
    try {
      const text = tls.logs.join('\n');
      expect(text).toMatch(/WARNING: .* WITHOUT auth/);
      expect(text).not.toMatch(/WITHOUT TLS/);
    } finally {
      await tls.cleanup();
    }
    const local = await startServer();
    try {
      expect(local.logs.join('\n')).not.toMatch(/WARNING: strata server/);
    } finally {
      await local.cleanup();
    }
  }, 180_000);
});
