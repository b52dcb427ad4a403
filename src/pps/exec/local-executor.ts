// The default executor: each datum's command is a child process of the
// server, with /pfs/<input> (read-only) and /pfs/out bound in a namespace of
// its own by bubblewrap or unshare, as `strata run` does; several datums run
// at once, each seeing only its own /pfs. Where neither works, commands get
// a real /pfs directory and run one at a time.
import { cp, mkdir, rm } from 'node:fs/promises';
import { bwrapWorks, launcher, planIsolation, unshareWorks, type IsolationPlan } from './isolation.ts';
import type { DatumExit, DatumTask, Executor } from './executor.ts';
import { spawnTask } from './spawn-task.ts';

export interface LocalExecutorOptions {
  /** The server's environment, for the isolation checks (PATH, container hints). */
  env: NodeJS.ProcessEnv;
  /** Force a mode (tests); default: the best that works here, preferring bwrap and unshare over dir. */
  isolation?: IsolationPlan['mode'];
}

export function createLocalExecutor(opts: LocalExecutorOptions): Executor {
  // Unlike `strata run`, namespaces come first even in a container: with them datums run side by side,
  // while a real /pfs holds one command at a time.
  const realPlan: IsolationPlan = opts.isolation
    ? planIsolation(opts.isolation, opts.env)
    : bwrapWorks()
      ? { mode: 'bwrap', reason: 'bubblewrap works', readOnlyMounts: true }
      : unshareWorks()
        ? { mode: 'unshare', reason: 'no bubblewrap; root can unshare', readOnlyMounts: true }
        : planIsolation('dir', opts.env);
  let serial: Promise<unknown> = Promise.resolve();
  const runOne = async (task: DatumTask): Promise<DatumExit> => {
    const cwd = task.workingDir || '/pfs';
    if (realPlan.mode !== 'dir') {
      // bwrap changes directory itself; under unshare the shell does, once /pfs is mounted.
      const command = realPlan.mode === 'bwrap' ? task.cmd : ['/bin/sh', '-c', 'cd "$0" && exec "$@"', cwd, ...task.cmd];
      const [file, args] = launcher({ plan: realPlan, pfsDir: task.pfsDir, inputs: task.inputs, command, cwd });
      return spawnTask(file, args, task, '/', { ...opts.env, ...task.env });
    }
    // A real /pfs: copy in, run, copy out; one datum at a time.
    await rm('/pfs', { recursive: true, force: true });
    await cp(task.pfsDir, '/pfs', { recursive: true });
    try {
      const [file, args] = launcher({ plan: realPlan, pfsDir: '/pfs', inputs: task.inputs, command: task.cmd, cwd });
      const exit = await spawnTask(file, args, task, cwd, { ...opts.env, ...task.env });
      await rm(`${task.pfsDir}/out`, { recursive: true, force: true });
      await cp('/pfs/out', `${task.pfsDir}/out`, { recursive: true });
      return exit;
    } finally {
      await rm('/pfs', { recursive: true, force: true });
      await mkdir('/pfs', { recursive: true });
    }
  };
  return {
    name: 'local',
    description: `${realPlan.mode} (${realPlan.reason})`,
    run(task) {
      if (realPlan.mode !== 'dir') return runOne(task);
      const next = serial.then(() => runOne(task));
      serial = next.catch(() => undefined);
      return next;
    },
    ignores(t) {
      const out: { field: string; reason: string }[] = [];
      if (t.image) out.push({ field: 'transform.image', reason: 'the local executor runs commands on the server host, not in the image' });
      if (t.user) out.push({ field: 'transform.user', reason: 'the local executor runs commands as the server user' });
      return out;
    },
  };
}
