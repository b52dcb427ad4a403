// Child process for the crash test: writes one-off commits in a loop and
// prints a line per acknowledged commit, until it is killed with SIGKILL.
// The chunk index and GC's mark set keep few entries in memory, so the kill
// also lands while their run files on local disk are being written.
import { openPfsAt, put, ref } from '../helpers/pfs.ts';
import { seededBytes } from '../helpers/bytes.ts';

const dir = process.argv[2]!;
const t = await openPfsAt(dir, { packTargetBytes: 256 << 10, indexMemEntries: 16 });
await t.pfs.createRepo(ref('crash').repo).catch(() => undefined);
for (let i = 0; ; i++) {
  const size = 1000 + ((i * 7919) % 200_000);
  await put(t.pfs, `crash@main:/files/f${i}`, seededBytes(`crash-${i}`, size));
  const head = await t.pfs.inspectCommit(ref('crash@main'));
  process.stdout.write(`${head.id} ${i} ${size}\n`);
  if (i % 10 === 5) await t.pfs.gc({ graceMs: 0, markMemEntries: 8 }); // GC runs in the window too
}
