// Child process for block-store-crash.test.ts: writes large random objects to
// a local block store, four at a time, forever, until it is killed. Each key
// ends in the SHA-256 of its content, so a reader can tell a complete object
// from a partial one. Reports each finished put to the parent over IPC.
import { createHash, randomBytes, randomInt } from 'node:crypto';
import { createLocalBlockStore } from '../../src/blocks/local-block-store.ts';

const root = process.argv[2];
if (root === undefined) throw new Error('usage: block-store-crash-writer.ts ROOT');
const store = await createLocalBlockStore({ root });

async function writeForever(): Promise<never> {
  for (;;) {
    const data = randomBytes(randomInt(256 * 1024, 4 * 1024 * 1024));
    const hash = createHash('sha256').update(data).digest('hex');
    await store.put(`objects/${hash.slice(0, 2)}/${hash}`, data);
    process.send?.('put');
  }
}

await Promise.all([writeForever(), writeForever(), writeForever(), writeForever()]);
