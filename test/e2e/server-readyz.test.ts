// /readyz reflects the object store: a server whose S3 store stops answering
// is not ready (503, naming the store), while /healthz stays 200; /metrics
// carries strata_build_info.
import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { startS3Server, type TestS3Server } from '../helpers/s3-server.ts';
import { startServer, type TestServer } from '../helpers/server.ts';

const VERSION = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
let s3: TestS3Server | undefined;
let server: TestServer | undefined;

afterAll(async () => {
  await server?.cleanup();
  await s3?.stop();
});

async function readyz(url: string): Promise<{ status: number; body: Record<string, string> }> {
  const res = await fetch(`${url}/readyz`);
  return { status: res.status, body: (await res.json()) as Record<string, string> };
}

describe('/readyz', () => {
  it('is 200 while the S3 store answers and 503 naming it once it does not', async () => {
    s3 = await startS3Server();
    server = await startServer({
      args: ['--s3-endpoint', s3.url, '--s3-bucket', s3.bucket],
      env: { STRATA_S3_ACCESS_KEY: s3.accessKey, STRATA_S3_SECRET_KEY: s3.secretKey },
    });
    expect(await readyz(server.httpUrl)).toEqual({ status: 200, body: { status: 'ready' } });
    const metrics = await (await fetch(`${server.httpUrl}/metrics`)).text();
    expect(metrics).toContain(`strata_build_info{version="${VERSION}",node_version="${process.version}"} 1`);
    // Every S3 request is timed: the start-up listing and the readiness probe at least.
    expect(metrics).toMatch(/^strata_object_store_request_duration_seconds_count\{backend="s3",operation="[a-z_]+",outcome="ok"\} [1-9]\d*$/m);
    await s3.stop();
    // The probe result is remembered for a second; poll (bounded) until the next probe sees the store gone.
    let r = await readyz(server.httpUrl);
    for (let i = 0; i < 100 && r.status === 200; i++) {
      await new Promise((res) => setTimeout(res, 200));
      r = await readyz(server.httpUrl);
    }
    expect(r.status).toBe(503);
    expect(r.body.status).toBe('not ready');
    expect(r.body.store).toContain(s3.bucket);
    expect((await fetch(`${server.httpUrl}/healthz`)).status).toBe(200);
    const after = await (await fetch(`${server.httpUrl}/metrics`)).text();
    expect(after).toMatch(/^strata_object_store_request_duration_seconds_count\{backend="s3",operation="[a-z_]+",outcome="error"\} [1-9]\d*$/m);
  });
});
