// Runs one program for a datum: in its own process group (so a timeout or
// a stop kills everything it started, not just the shell), stdin from the
// spec, output passed on as it comes.
import { spawn } from 'node:child_process';
import type { DatumExit, DatumTask } from './executor.ts';

export function spawnTask(file: string, args: string[], task: DatumTask, cwd: string, env: NodeJS.ProcessEnv): Promise<DatumExit> {
  return new Promise((resolve) => {
    let timedOut = false;
    let aborted = false;
    const child = spawn(file, args, { cwd, env, stdio: ['pipe', 'pipe', 'pipe'], detached: true });
    const killGroup = (): void => {
      try {
        if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    };
    const timer = task.timeoutMs === undefined ? undefined : setTimeout(() => ((timedOut = true), killGroup()), task.timeoutMs);
    const onAbort = (): void => ((aborted = true), killGroup());
    if (task.signal.aborted) onAbort();
    else task.signal.addEventListener('abort', onAbort, { once: true });
    child.stdout.on('data', (b: Buffer) => task.onOutput('stdout', b));
    child.stderr.on('data', (b: Buffer) => task.onOutput('stderr', b));
    child.stdin.on('error', () => undefined); // the command need not read its stdin
    child.stdin.end(task.stdin);
    let settled = false;
    const finish = (exit: DatumExit): void => {
      if (settled) return;
      settled = true;
      if (timer) clearTimeout(timer);
      task.signal.removeEventListener('abort', onAbort);
      resolve(exit);
    };
    child.once('error', (err: NodeJS.ErrnoException) => {
      task.onOutput('stderr', Buffer.from(`strata: cannot run ${file}: ${err.code === 'ENOENT' ? 'command not found' : err.message}\n`));
      finish({ exitCode: err.code === 'ENOENT' ? 127 : 126, signal: null, timedOut, aborted });
    });
    child.once('exit', (exitCode, signal) => {
      // Whatever the command left running in its group (a backgrounded child) goes with it.
      killGroup();
      child.stdout.once('close', () => undefined);
      finish({ exitCode, signal, timedOut, aborted });
    });
  });
}
