// How a command gets /pfs/<input> and /pfs/out at those literal paths, for
// `strata run` and for pipeline datums run by the local executor.
//
//   bwrap    bubblewrap builds a new root from binds of every top-level entry
//            of / (so the command sees the whole machine) plus /pfs on a tmpfs:
//            inputs bound read-only, out read-write. Nothing on the host
//            changes; works for root and (with user namespaces) for others.
//   unshare  (root) a private mount namespace where the run's work directory
//            is bound over /pfs and each input remounted read-only. Needs a
//            /pfs directory on the host as the mount point: made empty if
//            missing and left in place (removing it could detach the /pfs of
//            a concurrent run).
//   dir      a real /pfs directory (see pfs-dir.ts), as in a Pachyderm
//            container. Inputs are a-w; when root (which ignores a-w) can make
//            a private mount namespace, they are also remounted read-only.
//
// `auto` takes `dir` inside a container (the container is the sandbox, and
// namespaces often are not allowed there) unless /pfs cannot be made there
// and bwrap works; outside one, bwrap, else unshare (root), else dir.
import { spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync, lstatSync, readFileSync, readdirSync, readlinkSync } from 'node:fs';
import { StrataError } from '../../errors/index.ts';

export type IsolationChoice = 'auto' | 'bwrap' | 'unshare' | 'dir';

export type Isolation = Exclude<IsolationChoice, 'auto'>;

export interface IsolationPlan {
  mode: Isolation;
  /** Why this mode, for people and the run record. */
  reason: string;
  /** dir mode: inputs can be remounted read-only in a private namespace (root with CAP_SYS_ADMIN). */
  readOnlyMounts: boolean;
}

const CGROUP_HINT = /docker|kubepods|containerd|libpod|podman|lxc|garden/;

/** Why we think we are inside a container, or undefined. */
export function containerHint(env: NodeJS.ProcessEnv): string | undefined {
  if (existsSync('/.dockerenv')) return '/.dockerenv exists';
  if (existsSync('/run/.containerenv')) return '/run/.containerenv exists';
  if (env.container) return `container=${env.container} is set`;
  if (env.KUBERNETES_SERVICE_HOST) return 'KUBERNETES_SERVICE_HOST is set';
  try {
    const cgroup = readFileSync('/proc/1/cgroup', 'utf8');
    const m = CGROUP_HINT.exec(cgroup);
    if (m) return `/proc/1/cgroup mentions ${m[0]}`;
  } catch {
    // no /proc: nothing to learn
  }
  return undefined;
}

function works(cmd: string, args: string[]): boolean {
  const r = spawnSync(cmd, args, { stdio: 'ignore', timeout: 10_000 });
  return r.status === 0;
}

const isRoot = (): boolean => process.getuid?.() === 0;

export function bwrapWorks(): boolean {
  return works('bwrap', ['--bind', '/', '/', '--dev-bind', '/dev', '/dev', '--', 'true']);
}

let pidNamespaces: boolean | undefined;
/** bwrap can give a sandbox its own PID namespace and /proc (not where user namespaces may not mount proc). */
export function bwrapPidNamespaceWorks(): boolean {
  pidNamespaces ??= works('bwrap', ['--bind', '/', '/', '--dev-bind', '/dev', '/dev', '--unshare-pid', '--proc', '/proc', '--', 'true']);
  return pidNamespaces;
}

/** A private mount namespace in which a bind mount succeeds (root with CAP_SYS_ADMIN). */
export function unshareWorks(): boolean {
  return isRoot() && works('unshare', ['--mount', '--propagation', 'private', '--', '/bin/sh', '-c', 'mount --bind /proc /proc']);
}

/** Root can make or take /pfs; others only when it exists and is theirs to write. */
function realPfsUsable(): boolean {
  if (isRoot()) return true;
  try {
    accessSync(existsSync('/pfs') ? '/pfs' : '/', constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

export function planIsolation(choice: IsolationChoice, env: NodeJS.ProcessEnv): IsolationPlan {
  const dir = (reason: string): IsolationPlan => ({ mode: 'dir', reason, readOnlyMounts: unshareWorks() });
  switch (choice) {
    case 'bwrap':
      if (!bwrapWorks()) throw new StrataError('FAILED_PRECONDITION', "--isolation bwrap: bubblewrap (bwrap) is missing or cannot make a namespace here (install Debian's bubblewrap)");
      return { mode: 'bwrap', reason: 'asked for', readOnlyMounts: true };
    case 'unshare':
      if (!unshareWorks()) throw new StrataError('FAILED_PRECONDITION', '--isolation unshare: needs root and `unshare --mount` with bind mounts allowed');
      return { mode: 'unshare', reason: 'asked for', readOnlyMounts: true };
    case 'dir':
      return dir('asked for');
    case 'auto': {
      const hint = containerHint(env);
      if (hint && !realPfsUsable() && bwrapWorks()) return { mode: 'bwrap', reason: `inside a container (${hint}), but /pfs cannot be made here; bubblewrap works`, readOnlyMounts: true };
      if (hint) return dir(`inside a container (${hint})`);
      if (bwrapWorks()) return { mode: 'bwrap', reason: 'not in a container; bubblewrap works', readOnlyMounts: true };
      if (unshareWorks()) return { mode: 'unshare', reason: 'not in a container; no bubblewrap; root can unshare', readOnlyMounts: true };
      return dir('not in a container, but neither bubblewrap nor unshare works here');
    }
  }
}

/** bwrap arguments: the host's top-level entries, then /pfs. */
export function bwrapArgs(pfsDir: string, inputs: string[], cwd: string, command: string[]): string[] {
  const args = bwrapHostArgs();
  args.push('--perms', '0755', '--dir', '/pfs');
  for (const name of inputs) args.push('--ro-bind', `${pfsDir}/${name}`, `/pfs/${name}`);
  args.push('--bind', `${pfsDir}/out`, '/pfs/out', '--chdir', cwd, '--', ...command);
  return args;
}

/**
 * bwrap arguments that show the host's top-level entries (all but /pfs) in the new root.
 * `ownPids`: a PID namespace of the sandbox's own with its own /proc: when the
 * sandbox's first process ends, the kernel kills every process left in it.
 */
export function bwrapHostArgs(o: { ownPids?: boolean } = {}): string[] {
  const args = ['--die-with-parent'];
  if (o.ownPids) args.push('--unshare-pid', '--proc', '/proc');
  for (const name of readdirSync('/').sort()) {
    if (name === 'pfs' || (o.ownPids && name === 'proc')) continue;
    const path = `/${name}`;
    const st = lstatSync(path, { throwIfNoEntry: false });
    if (!st) continue;
    if (st.isSymbolicLink()) args.push('--symlink', readlinkSync(path), path);
    else if (name === 'dev') args.push('--dev-bind', path, path);
    else if (st.isDirectory() || st.isFile()) args.push('--bind', path, path);
  }
  return args;
}

// Binds `$1` (and the input mounts under it) over /pfs (skipped when it is /pfs), then remounts each named
// input read-only; `--` ends the names and the command follows.
const NAMESPACE_SCRIPT = `set -e
src=$1; shift
[ "$src" = /pfs ] || mount --rbind "$src" /pfs
while [ "$1" != -- ]; do mount --bind "/pfs/$1" "/pfs/$1"; mount -o remount,bind,ro "/pfs/$1"; shift; done
shift
exec "$@"`;

/** unshare arguments (also used by dir mode for read-only inputs, with pfsDir = /pfs). */
export function unshareArgs(pfsDir: string, inputs: string[], command: string[]): string[] {
  return ['--mount', '--propagation', 'private', '--', '/bin/sh', '-c', NAMESPACE_SCRIPT, 'strata-run', pfsDir, ...inputs, '--', ...command];
}

let pdeathsig: boolean | undefined;

/**
 * `setpriv --pdeathsig KILL --` when available: the command is killed if its
 * parent dies (kill -9), instead of writing on into a /pfs the next run will
 * clean. bwrap has --die-with-parent for the same.
 */
function dieWithParent(file: string, args: string[]): [string, string[]] {
  pdeathsig ??= spawnSync('setpriv', ['--pdeathsig', 'KILL', '--', 'true'], { stdio: 'ignore' }).status === 0;
  return pdeathsig ? ['setpriv', ['--pdeathsig', 'KILL', '--', file, ...args]] : [file, args];
}

/** `setpriv --pdeathsig KILL --` where setpriv can do that, else nothing. */
export function pdeathsigPrefix(): string[] {
  pdeathsig ??= spawnSync('setpriv', ['--pdeathsig', 'KILL', '--', 'true'], { stdio: 'ignore' }).status === 0;
  return pdeathsig ? ['setpriv', '--pdeathsig', 'KILL', '--'] : [];
}

/** The program and arguments that run `command` with /pfs visible. */
export function launcher(o: { plan: IsolationPlan; pfsDir: string; inputs: string[]; command: string[]; cwd: string }): [string, string[]] {
  switch (o.plan.mode) {
    case 'bwrap':
      return ['bwrap', bwrapArgs(o.pfsDir, o.inputs, o.cwd, o.command)];
    case 'unshare':
      return dieWithParent('unshare', unshareArgs(o.pfsDir, o.inputs, o.command));
    case 'dir':
      return o.plan.readOnlyMounts ? dieWithParent('unshare', unshareArgs(o.pfsDir, o.inputs, o.command)) : dieWithParent(o.command[0]!, o.command.slice(1));
  }
}
