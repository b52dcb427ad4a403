// The gateway streams both ways in bounded memory: a 1 GiB object goes up
// (aws-chunked with a CRC32 trailer, from @aws-sdk/client-s3) and comes back
// down while the server's peak RSS grows by far less than the object. An
// implementation that buffered the object would grow by at least 1 GiB.
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACCESS_KEY, SECRET, startS3Server, type S3TestServer } from '../helpers/s3.ts';

const SIZE = 1 << 30;
const GROWTH_LIMIT = 400 << 20;

async function kib(pid: number, field: 'VmRSS' | 'VmHWM'): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  return Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)![1]) * 1024;
}

/** SIZE pseudo-random bytes made as they are read (never held), and their SHA-256. */
function source(): { stream: Readable; digest: () => string } {
  const h = createHash('sha256');
  let made = 0;
  let seed = createHash('sha256').update('stream').digest();
  const stream = new Readable({
    read() {
      if (made >= SIZE) return void this.push(null);
      const block = Buffer.alloc(Math.min(1 << 20, SIZE - made));
      for (let i = 0; i < block.length; i += 4096) {
        seed = createHash('sha256').update(seed).digest();
        for (let j = 0; j < 4096 && i + j < block.length; j += 32) seed.copy(block, i + j);
      }
      made += block.length;
      h.update(block);
      this.push(block);
    },
  });
  return { stream, digest: () => h.digest('hex') };
}

describe('S3 gateway memory', () => {
  let server: S3TestServer;
  let sdk: S3Client;
  beforeAll(async () => {
    server = await startS3Server();
    sdk = new S3Client({ endpoint: server.s3Url, region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId: ACCESS_KEY, secretAccessKey: SECRET } });
    await sdk.send(new CreateBucketCommand({ Bucket: 'mem' }));
  }, 60_000);
  afterAll(async () => {
    sdk?.destroy();
    await server?.cleanup();
  });

  it('puts and gets a 1 GiB object with the server growing by much less than the object', async () => {
    const pid = server.child.pid!;
    const before = await kib(pid, 'VmRSS');
    const src = source();
    await sdk.send(new PutObjectCommand({ Bucket: 'mem', Key: 'big.bin', Body: src.stream, ContentLength: SIZE }));
    const got = await sdk.send(new GetObjectCommand({ Bucket: 'mem', Key: 'big.bin' }));
    const h = createHash('sha256');
    let n = 0;
    for await (const b of got.Body as AsyncIterable<Uint8Array>) {
      h.update(b);
      n += b.length;
    }
    expect(n).toBe(SIZE);
    expect(h.digest('hex')).toBe(src.digest());
    const peak = await kib(pid, 'VmHWM');
    expect(peak - before, `server RSS went from ${before >> 20} MiB to a peak of ${peak >> 20} MiB`).toBeLessThan(GROWTH_LIMIT);
  }, 600_000);
});
