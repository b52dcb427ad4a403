// Starting the command with /pfs in place (per the isolation plan) and
// waiting for it, with its output teed and kept. Ctrl-C and SIGTERM given
// to `strata run` are passed on to the command, which then fails the run.
import { spawn, spawnSync } from 'node:child_process';
import type { Writable } from 'node:stream';
import { TailBuffer, tee } from './capture.ts';
import { bwrapArgs, unshareArgs, type IsolationPlan } from './isolation.ts';
import { LOG_LIMIT } from './record.ts';

export interface ExecOptions {
  plan: IsolationPlan;
  /** The directory laid out as /pfs (the work dir's, or /pfs itself in dir mode). */
  pfsDir: string;
  inputs: string[];
  command: string[];
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** Where the command's output is passed on to; undefined = only kept. */
  stdout?: Writable;
  stderr?: Writable;
}

export interface ExecResult {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  stdout: TailBuffer;
  stderr: TailBuffer;
}

let pdeathsig: boolean | undefined;

/**
 * `setpriv --pdeathsig KILL --` when available: the command is killed if
 * `strata run` dies (kill -9), instead of writing on into a /pfs the next
 * run will clean. bwrap has --die-with-parent for the same.
 */
function dieWithParent(file: string, args: string[]): [string, string[]] {
  pdeathsig ??= spawnSync('setpriv', ['--pdeathsig', 'KILL', '--', 'true'], { stdio: 'ignore' }).status === 0;
  return pdeathsig ? ['setpriv', ['--pdeathsig', 'KILL', '--', file, ...args]] : [file, args];
}

/** The program and arguments that run `command` with /pfs visible. */
export function launcher(o: Pick<ExecOptions, 'plan' | 'pfsDir' | 'inputs' | 'command' | 'cwd'>): [string, string[]] {
  switch (o.plan.mode) {
    case 'bwrap':
      return ['bwrap', bwrapArgs(o.pfsDir, o.inputs, o.cwd, o.command)];
    case 'unshare':
      return dieWithParent('unshare', unshareArgs(o.pfsDir, o.inputs, o.command));
    case 'dir':
      return o.plan.readOnlyMounts ? dieWithParent('unshare', unshareArgs(o.pfsDir, o.inputs, o.command)) : dieWithParent(o.command[0]!, o.command.slice(1));
  }
}

export async function execute(o: ExecOptions): Promise<ExecResult> {
  const stdout = new TailBuffer(LOG_LIMIT);
  const stderr = new TailBuffer(LOG_LIMIT);
  const [file, args] = launcher(o);
  const child = spawn(file, args, { cwd: o.cwd, env: o.env, stdio: ['inherit', 'pipe', 'pipe'] });
  const forward = (signal: NodeJS.Signals): void => void child.kill(signal);
  process.on('SIGINT', forward);
  process.on('SIGTERM', forward);
  try {
    const teed = Promise.all([tee(child.stdout!, stdout, o.stdout), tee(child.stderr!, stderr, o.stderr)]);
    const exit = await new Promise<{ exitCode: number | null; signal: NodeJS.Signals | null }>((resolve) => {
      child.once('error', (err: NodeJS.ErrnoException) => {
        // The program could not be started (only possible without a launcher: launchers report it themselves).
        const line = Buffer.from(`strata run: cannot run ${o.command[0]}: ${err.code === 'ENOENT' ? 'command not found' : err.message}\n`);
        stderr.push(line);
        o.stderr?.write(line);
        resolve({ exitCode: err.code === 'ENOENT' ? 127 : 126, signal: null });
      });
      child.once('exit', (exitCode, signal) => resolve({ exitCode, signal }));
    });
    await teed;
    return { ...exit, stdout, stderr };
  } finally {
    process.off('SIGINT', forward);
    process.off('SIGTERM', forward);
  }
}
