// Pipelines under auth: each runs as robot:pipeline-NAME with reader on its
// inputs and writer on its output only; its commands get a token of the
// robot's (STRATA_TOKEN) that is revoked when the job ends; a job whose
// robot lost a role fails with NOT_AUTHORIZED before running anything;
// deleting the pipeline drops the robot's roles. Real auth records in the
// same LevelDB MetaStore as pfs.
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAuth, parseSubject, type Auth, type Identity } from '../../src/auth/index.ts';
import { createLocalExecutor } from '../../src/pps/exec/local-executor.ts';
import { createPps, type Pps } from '../../src/pps/pps.ts';
import { createTestPfs, get, put, ref, repo, type TestPfs } from '../helpers/pfs.ts';
import { createTempDir, type TempDir } from '../helpers/tmp.ts';

let t: TestPfs & { remove(): Promise<void> };
let pps: Pps;
let tmp: TempDir;
let auth: Auth;
let root: Identity;

beforeEach(async () => {
  t = await createTestPfs();
  tmp = await createTempDir('strata-pps-robot');
  auth = createAuth({ meta: t.pfs.context.meta });
  root = await auth.authenticate((await auth.activate()).token);
  for (const r of ['words', 'other']) await t.pfs.createRepo(repo(r));
  pps = await createPps({ pfs: t.pfs, auth, executor: createLocalExecutor({ env: process.env }), workDir: join(tmp.path, 'work') });
});

afterEach(async () => {
  await pps?.stop();
  await t.remove();
  await tmp.remove();
});

const spec = JSON.stringify({
  pipeline: { name: 'upper' },
  transform: { cmd: ['sh', '-c', 'for f in /pfs/words/*; do tr a-z A-Z < "$f" > /pfs/out/$(basename "$f"); done; printf %s "$STRATA_TOKEN" > /pfs/out/token-$(basename "$f")'] },
  input: { pfs: { repo: 'words', glob: '/*' } },
});

async function lastJob() {
  const head = (await t.pfs.inspectCommit(ref('words@main'))).id;
  for (;;) {
    const j = (await pps.listJobs('upper')).find((x) => x.inputs.some((i) => i.commit === head));
    if (j) return pps.waitJob('upper', j.id);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('pipeline robot identity', () => {
  it('reads its inputs and writes its output as its robot, and nothing more', async () => {
    await put(t.pfs, 'words@main:/a.txt', 'alpha');
    await pps.createPipeline(spec);
    const robot = parseSubject('robot:pipeline-upper');
    expect((await auth.getRoles(root, repo('words'))).find((b) => b.subject === robot)?.role).toBe('reader');
    expect((await auth.getRoles(root, repo('upper'))).find((b) => b.subject === robot)?.role).toBe('writer');
    expect((await auth.getRoles(root, repo('other'))).find((b) => b.subject === robot)).toBeUndefined();
    let job = await lastJob();
    expect(job.state, job.reason).toBe('success');
    expect(await get(t.pfs, 'upper@main:/a.txt')).toBe('ALPHA');
    // The command had a token of the robot's, good only while its job ran.
    const token = await get(t.pfs, 'upper@main:/token-a.txt');
    expect(token).toMatch(/^strata_/);
    await expect(auth.authenticate(token)).rejects.toThrow(/revoked|unknown|UNAUTHENTICATED|not valid/i);

    // Taking the robot's reader role away stops the next job before it runs anything.
    await auth.setRole(root, repo('words'), robot, null);
    await put(t.pfs, 'words@main:/b.txt', 'beta');
    job = await lastJob();
    expect(job.state).toBe('failure');
    expect(job.reason).toMatch(/robot:pipeline-upper/);
    expect(job.counts.processed).toBe(0);
    // An update grants the roles again.
    await pps.createPipeline(spec, { update: true });
    job = await lastJob();
    expect(job.state, job.reason).toBe('success');
    expect(await get(t.pfs, 'upper@main:/b.txt')).toBe('BETA');

    await pps.deletePipeline('upper');
    expect((await auth.getRoles(root, repo('words'))).find((b) => b.subject === robot)).toBeUndefined();
  });
});
