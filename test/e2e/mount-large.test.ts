// A directory of 100,000 entries through a real mount: ls and find list it
// in full (ListFile in pages, not one giant call), every entry stats from
// the cached listing, and the mount keeps answering other calls while the
// listing is fetched. The files are staged by chunk reference over the raw
// wire (one uploaded chunk, 100,000 put_chunks), so making them is quick.
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, type StrataClient } from '../../client/sdk/index.ts';
import { createCli, type Cli } from '../helpers/cli.ts';
import { forceUnmount, fuseSupport, sh, startMount, type MountProcess } from '../helpers/mount.ts';
import { closeClient, modify, pfsClient, startServer, type RawClient, type TestServer } from '../helpers/server.ts';
import { createTempDir, type TempDir } from '../helpers/tmp.ts';

const fuse = await fuseSupport();
const ENTRIES = 100_000;

describe.skipIf(!fuse.ok)('strata mount, a directory of 100,000 entries', () => {
  let server: TestServer;
  let client: StrataClient;
  let raw: RawClient;
  let tmp: TempDir;
  let cli: Cli;
  let m: MountProcess | undefined;
  let mnt: string;

  beforeAll(async () => {
    [server, tmp] = await Promise.all([startServer(), createTempDir('strata-mount-large')]);
    client = createClient({ address: server.grpcAddress });
    raw = pfsClient(server.grpcAddress);
    cli = createCli(server.grpcAddress, join(tmp.path, 'config.json'));
    mnt = join(tmp.path, 'mnt');
    await client.createRepo('many');
    const data = Buffer.from('same\n');
    const hash = createHash('sha256').update(data).digest('hex');
    await client.uploadChunks([{ hash, data }]);
    function* messages(): Generator<object> {
      yield { header: { target: 'many@main' } };
      yield { putFile: { path: '/other.txt', append: false, sizeBytes: 6 } };
      yield { data: Buffer.from('other\n') };
      for (let i = 0; i < ENTRIES; i++) yield { putChunks: { path: `/big/f${String(i).padStart(6, '0')}.txt`, chunks: [{ hash, sizeBytes: data.length }], append: false } };
    }
    await modify(raw, messages());
    m = await startMount(cli, ['many@main', mnt, '--cache-dir', join(tmp.path, 'cache')], { env: { STRATA_RUNTIME_DIR: join(tmp.path, 'run') } });
  }, 120_000);

  afterAll(async () => {
    await forceUnmount(m, mnt);
    if (raw) closeClient(raw);
    client?.close();
    await server?.cleanup();
    await tmp?.remove();
  });

  it('lists it in full, stats every entry, and answers other calls meanwhile', async () => {
    const started = Date.now();
    const listing = sh(`ls -f "${mnt}/big" | wc -l`, { timeoutMs: 60_000 });
    // While the listing is being fetched page by page, the mount still serves other files.
    expect(await readFile(join(mnt, 'other.txt'), 'utf8')).toBe('other\n');
    expect(Number((await listing).trim())).toBe(ENTRIES + 2); // with . and ..
    const listed = Date.now() - started;

    const statted = Date.now();
    const sizes = await sh(`find "${mnt}/big" -type f -printf '%s\\n' | sort | uniq -c`, { timeoutMs: 60_000 });
    expect(sizes.trim()).toBe(`${ENTRIES} 5`);
    const statMs = Date.now() - statted;
    console.log(`100,000 entries: listed in ${listed} ms, find + stat of all in ${statMs} ms`);
    expect(await readFile(join(mnt, 'big', 'f099999.txt'), 'utf8')).toBe('same\n');
  }, 120_000);
});
