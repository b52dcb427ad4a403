// Starting the command with /pfs in place (per the isolation plan) and
// waiting for it, with its output teed and kept. Ctrl-C and SIGTERM given
// to `strata run` are passed on to the command, which then fails the run.
import { spawn } from 'node:child_process';
import type { Writable } from 'node:stream';
import { TailBuffer, tee } from './capture.ts';
import { launcher, type IsolationPlan } from './isolation.ts';

export { launcher };
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
