// Runs each datum in a container of the transform's image with the docker
// CLI: inputs bound read-only at /pfs/<input>, out read-write at /pfs/out.
// Chosen with `strata server --pps-executor docker`; refused at start with
// EXECUTOR_UNAVAILABLE when no engine answers (`docker version` fails).
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { StrataError } from '../../errors/index.ts';
import type { DatumExit, DatumTask, Executor } from './executor.ts';
import { spawnTask } from './spawn-task.ts';

/** Why docker cannot be used here, or undefined when an engine answers. */
export function dockerUnavailable(env: NodeJS.ProcessEnv): string | undefined {
  const r = spawnSync('docker', ['version', '--format', '{{.Server.Version}}'], { env, encoding: 'utf8', timeout: 15_000 });
  if (r.error) return `the docker CLI cannot be run (${(r.error as NodeJS.ErrnoException).code ?? r.error.message})`;
  if (r.status !== 0) return `no docker engine answers: ${(r.stderr || r.stdout).trim().split('\n').pop()}`;
  return undefined;
}

export function dockerArgs(task: DatumTask, name: string): string[] {
  const args = ['run', '--rm', '--name', name, '-i', '--network', 'host'];
  for (const input of task.inputs) args.push('-v', `${task.pfsDir}/${input}:/pfs/${input}:ro`);
  args.push('-v', `${task.pfsDir}/out:/pfs/out`);
  for (const [k, v] of Object.entries(task.env)) args.push('-e', `${k}=${v}`);
  if (task.workingDir) args.push('-w', task.workingDir);
  if (task.user) args.push('--user', task.user); // resolved in the image, as Pachyderm's user is
  args.push('--', task.image, ...task.cmd);
  return args;
}

export function createDockerExecutor(opts: { env: NodeJS.ProcessEnv }): Executor {
  const why = dockerUnavailable(opts.env);
  if (why) throw new StrataError('EXECUTOR_UNAVAILABLE', `the docker executor cannot run here: ${why}; use --pps-executor local`, { executor: 'docker' });
  return {
    name: 'docker',
    description: 'docker (one container per datum)',
    async run(task): Promise<DatumExit> {
      if (!task.image) {
        task.onOutput('stderr', Buffer.from('strata: the docker executor needs transform.image\n'));
        return { exitCode: 125, signal: null, timedOut: false, aborted: false };
      }
      const name = `strata-datum-${randomBytes(6).toString('hex')}`;
      const exit = await spawnTask('docker', dockerArgs(task, name), task, '/', opts.env);
      // Killing the CLI does not stop the container; make sure it is gone.
      if (exit.timedOut || exit.aborted) spawnSync('docker', ['rm', '-f', name], { env: opts.env, stdio: 'ignore', timeout: 15_000 });
      return exit;
    },
    ignores: () => [],
  };
}
