// The default executor: each datum's command is a child process of the
// server, with /pfs/<input> (read-only) and /pfs/out bound in a namespace of
// its own by bubblewrap or unshare, as `strata run` does; several datums run
// at once, each seeing only its own /pfs. With bubblewrap a job keeps one
// sandbox per worker for all its datums (sandbox-slot.ts). Where neither
// works, commands get a real /pfs directory and run one at a time.
// transform.user is applied when the server runs as root (setuid needs it).
import { chown, cp, mkdir, rm } from 'node:fs/promises';
import { bwrapPidNamespaceWorks, bwrapWorks, launcher, pdeathsigPrefix, planIsolation, unshareWorks, type IsolationPlan } from './isolation.ts';
import type { DatumExit, DatumTask, Executor } from './executor.ts';
import { openSandboxSlot } from './sandbox-slot.ts';
import { spawnTask } from './spawn-task.ts';
import { resolveUser, type UnixUser } from './user.ts';

export interface LocalExecutorOptions {
  /** The server's environment, for the isolation checks (PATH, container hints). */
  env: NodeJS.ProcessEnv;
  /** Force a mode (tests); default: the best that works here, preferring bwrap and unshare over dir. */
  isolation?: IsolationPlan['mode'];
  /** A job's kept sandboxes get a PID namespace of their own (default: where bwrap can make one; false: setpriv per command). */
  ownPids?: boolean;
}

/** `setpriv` switching to `u` before the command (root only; the sandboxes keep the two capabilities it needs). */
const asUser = (u: UnixUser | undefined, cmd: string[]): string[] =>
  u ? ['setpriv', `--reuid=${u.uid}`, `--regid=${u.gid}`, '--clear-groups', '--', ...cmd] : cmd;

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
  const canSwitchUser = process.getuid?.() === 0;
  const baseEnv = Object.fromEntries(Object.entries(opts.env).filter((e): e is [string, string] => e[1] !== undefined));
  const userOf = (user: string): UnixUser | undefined => (user && canSwitchUser ? resolveUser(user) : undefined);
  let serial: Promise<unknown> = Promise.resolve();
  const runOne = async (task: DatumTask): Promise<DatumExit> => {
    const cwd = task.workingDir || '/pfs';
    const user = userOf(task.user);
    if (realPlan.mode !== 'dir') {
      if (user) await chown(`${task.pfsDir}/out`, user.uid, user.gid);
      // bwrap changes directory itself; under unshare the shell does, once /pfs is mounted.
      const command = realPlan.mode === 'bwrap' ? asUser(user, task.cmd) : ['/bin/sh', '-c', 'cd "$0" && exec "$@"', cwd, ...asUser(user, task.cmd)];
      const [file, args] = launcher({ plan: realPlan, pfsDir: task.pfsDir, inputs: task.inputs, command, cwd });
      if (user && file === 'bwrap') args.unshift('--cap-add', 'CAP_SETUID', '--cap-add', 'CAP_SETGID');
      return spawnTask(file, args, task, '/', { ...opts.env, ...task.env });
    }
    // A real /pfs: copy in, run, copy out; one datum at a time.
    await rm('/pfs', { recursive: true, force: true });
    await cp(task.pfsDir, '/pfs', { recursive: true });
    try {
      if (user) await chown('/pfs/out', user.uid, user.gid);
      const [file, args] = launcher({ plan: realPlan, pfsDir: '/pfs', inputs: task.inputs, command: asUser(user, task.cmd), cwd });
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
    // A real /pfs is a copy, and a copy of a pipe is no pipe.
    pipes: realPlan.mode !== 'dir',
    description: `${realPlan.mode} (${realPlan.reason})`,
    run(task) {
      if (realPlan.mode !== 'dir') return runOne(task);
      const next = serial.then(() => runOne(task));
      serial = next.catch(() => undefined);
      return next;
    },
    openSlot:
      realPlan.mode === 'bwrap'
        ? async ({ dir, user }) => {
            // Its own PID namespace where bwrap can make one: then no setpriv exec per datum.
            const ownPids = opts.ownPids ?? bwrapPidNamespaceWorks();
            const slot = await openSandboxSlot({ dir, env: opts.env, user: userOf(user), ownPids, wrap: ownPids ? [] : pdeathsigPrefix() });
            return {
              pfsDir: slot.pfsDir,
              get alive() {
                return slot.alive;
              },
              run: (task) => slot.run({ ...task, env: { ...baseEnv, ...task.env } }),
              close: () => slot.close(),
            };
          }
        : undefined,
    check(t) {
      userOf(t.user);
    },
    ignores(t) {
      const out: { field: string; reason: string }[] = [];
      if (t.image) out.push({ field: 'transform.image', reason: 'the local executor runs commands on the server host, not in the image' });
      if (t.user && !canSwitchUser) out.push({ field: 'transform.user', reason: 'the server does not run as root, so commands run as the server user' });
      return out;
    },
  };
}
