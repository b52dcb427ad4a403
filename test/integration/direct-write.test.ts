// The local block store's durable writes (src/blocks/direct-write.ts): large
// objects go to disk with O_DIRECT where the file system takes it, through
// aligned staging buffers, the last piece padded and the file cut back to
// its length. Every size must read back byte for byte, on the direct path
// and on the buffered one.
import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { open, readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDurableWriter } from '../../src/blocks/direct-write.ts';
import { createLocalBlockStore } from '../../src/blocks/local-block-store.ts';
import { createTempDir, type TempDir } from '../helpers/tmp.ts';

let dir: TempDir;
let directSupported = false;

beforeAll(async () => {
  dir = await createTempDir('strata-direct-write');
  // Whether this file system takes O_DIRECT at all (tmpfs on old kernels, some overlays do not).
  const O_DIRECT = (constants as Record<string, number | undefined>).O_DIRECT;
  if (O_DIRECT !== undefined) {
    try {
      await (await open(join(dir.path, 'probe'), constants.O_WRONLY | constants.O_CREAT | O_DIRECT)).close();
      directSupported = true;
    } catch {
      directSupported = false;
    }
  }
});

afterAll(async () => {
  await dir.remove();
});

const KiB = 1024;
const MiB = 1024 * KiB;
/** Below the direct threshold, exactly aligned, a byte over, over a staging buffer with a ragged tail, a full pack. */
const SIZES = [1000, 256 * KiB, 256 * KiB + 1, MiB + 4095, 3 * MiB + 17, 8 * MiB + 256 * KiB + 123];

describe('durable writes', () => {
  for (const direct of [true, false]) {
    it(`writes every size back byte for byte (${direct ? 'O_DIRECT where taken' : 'buffered'})`, async () => {
      const writer = createDurableWriter({ direct });
      for (const size of SIZES) {
        const data = randomBytes(size);
        // A view into a larger buffer at an odd offset: the caller's bytes are never assumed aligned.
        const view = Buffer.concat([Buffer.from([1, 2, 3]), data]).subarray(3);
        const path = join(dir.path, `${direct}-${size}`);
        await writer.write(path, view);
        expect((await stat(path)).size, `size ${size}`).toBe(size);
        expect((await readFile(path)).equals(data), `bytes of size ${size}`).toBe(true);
      }
      expect(writer.mode).toBe(direct && directSupported ? 'direct' : 'buffered');
    });
  }

  it('refuses to overwrite an existing file on either path', async () => {
    for (const direct of [true, false]) {
      const writer = createDurableWriter({ direct });
      const path = join(dir.path, `exists-${direct}`);
      await writer.write(path, randomBytes(MiB));
      await expect(writer.write(path, randomBytes(MiB))).rejects.toMatchObject({ code: 'EEXIST' });
    }
  });

  for (const direct of [true, false]) {
    it(`writes a file in pieces as its bytes arrive, back byte for byte (${direct ? 'O_DIRECT where taken' : 'buffered'})`, async () => {
      const writer = createDurableWriter({ direct });
      for (const size of SIZES) {
        const data = randomBytes(size);
        const view = Buffer.concat([Buffer.from([9]), data]).subarray(1);
        const path = join(dir.path, `pieces-${direct}-${size}`);
        const file = writer.pieces(path);
        // Ragged prefixes, not awaited in turn (as the chunk store calls it), then the whole.
        const steps = [size / 7, size / 3, size / 2 + 5, size - 1].map(Math.floor).filter((n) => n > 0);
        const pending = steps.map((n) => file.ahead(view.subarray(0, n)));
        await file.finish(view);
        await file.close();
        await Promise.all(pending);
        expect((await stat(path)).size, `size ${size}`).toBe(size);
        expect((await readFile(path)).equals(data), `bytes of size ${size}`).toBe(true);
      }
    });
  }

  it('a local block store object begun in pieces appears only at finish; an aborted one leaves nothing', async () => {
    const root = join(dir.path, 'begun');
    const store = await createLocalBlockStore({ root });
    const data = randomBytes(3 * MiB + 77);
    const w = store.begin!();
    await w.ahead(data.subarray(0, 2 * MiB + 3));
    expect(await store.has('packs/be/gun')).toBe(false);
    await w.finish('packs/be/gun', data);
    expect(Buffer.from(await store.get('packs/be/gun')).equals(data)).toBe(true);
    const dropped = store.begin!();
    await dropped.ahead(data.subarray(0, MiB + 1));
    await dropped.abort();
    expect(await readdir(join(root, '.tmp'))).toEqual([]);
    await store.close();
  });

  it('serves packs the local block store wrote directly, whole and by range', async () => {
    const store = await createLocalBlockStore({ root: join(dir.path, 'store') });
    const data = randomBytes(5 * MiB + 3);
    await store.put('packs/ab/cd', data);
    expect(Buffer.from(await store.get('packs/ab/cd')).equals(data)).toBe(true);
    expect(Buffer.from(await store.getRange('packs/ab/cd', 5 * MiB - 10, 13)).equals(data.subarray(5 * MiB - 10))).toBe(true);
    await store.close();
  });
});
