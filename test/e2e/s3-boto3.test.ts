// The S3 gateway driven by boto3 (test/e2e/s3-clients/boto3_steps.py):
// put/get, ranges and conditionals, list paging (v1 and v2), presigned GET
// and PUT, delete_objects, copy, multipart with list_parts / abort, and
// versions. Run with every python that has boto3 here: Debian's (1.26) and,
// when present, a newer one, which sends CRC32 checksum trailers in
// aws-chunked bodies (STREAMING-UNSIGNED-PAYLOAD-TRAILER).
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { history, runOk, skipReason, startS3Server, type S3TestServer } from '../helpers/s3.ts';

const SCRIPT = fileURLToPath(new URL('./s3-clients/boto3_steps.py', import.meta.url));
const STEPS = ['create_bucket', 'put_get', 'range_and_conditionals', 'list_paging', 'presigned', 'delete_objects', 'copy', 'multipart', 'versions', 'metadata_conditional', 'parts_checksums'];

/** Pythons with boto3, one per boto3 version. */
function pythons(): { python: string; version: string }[] {
  const seen = new Map<string, string>();
  for (const python of ['/usr/bin/python3', 'python3']) {
    const r = spawnSync(python, ['-c', 'import boto3; print(boto3.__version__)'], { encoding: 'utf8', timeout: 60_000 });
    const version = r.stdout?.trim();
    if (r.status === 0 && version && !seen.has(version)) seen.set(version, python);
  }
  return [...seen].map(([version, python]) => ({ python, version }));
}

const found = pythons();
const skip = skipReason('python3 with boto3 (Debian package python3-boto3)', found[0]?.python);

describe.skipIf(skip)('S3 gateway with boto3', () => {
  let server: S3TestServer;
  beforeAll(async () => {
    server = await startS3Server();
  }, 60_000);
  afterAll(async () => {
    await server?.cleanup();
  });

  it.each(found.map((f, i) => ({ ...f, bucket: `boto${i}` })))('boto3 $version ($python) passes every step and each write is a commit', async ({ python, bucket }) => {
    const out = await runOk(python, [SCRIPT, server.s3Url, bucket], { env: { ...server.clientEnv, PYTHONDONTWRITEBYTECODE: '1' } });
    const steps = out.trim().split('\n').map((l) => JSON.parse(l) as { step: string; version?: string });
    expect(steps.map((s) => s.step)).toEqual(STEPS);

    const commits = await history(server.pfs, `${bucket}@main`);
    const changes = commits.map((c) => c.changes);
    // Oldest first: the put, seven list keys, the presigned put, one commit for delete_objects, the copy, the multipart file,
    // the metadata put and its conditional overwrite (the refused conditional puts commit nothing), the checksummed multipart file and put.
    const expected = [
      ['+/data/blob.bin'],
      ...Array.from({ length: 7 }, (_, i) => [`+/list/k${i}`]),
      ['+/presigned/up.txt'],
      ['-/list/k0', '-/list/k1'],
      ['+/data/copy.bin'],
      ['+/multi/file.bin'],
      ['+/meta/m.txt'],
      ['~/meta/m.txt'],
      ['+/parts/mp.bin'],
      ['+/parts/crc32.bin'],
    ];
    expect(changes.reverse()).toEqual(expected);
    // The version id boto3 saw for the put is the commit that wrote it.
    expect(steps[1]!.version).toBe(commits.at(-1)!.id);
  }, 240_000);
});
