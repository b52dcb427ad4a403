// The docker executor's command line, and its clear refusal where no engine
// answers (the development machine has the docker CLI but no daemon).
import { describe, expect, it } from 'vitest';
import { isStrataError } from '../../../src/errors/index.ts';
import { createDockerExecutor, dockerArgs, dockerUnavailable } from '../../../src/pps/exec/docker-executor.ts';
import type { DatumTask } from '../../../src/pps/exec/executor.ts';

const task: DatumTask = {
  pfsDir: '/work/d1/pfs', inputs: ['images', 'edges'], cmd: ['sh', '-c', 'ls /pfs'], stdin: '', env: { PACH_DATUM_ID: 'abc', images: '/pfs/images/a.png' },
  workingDir: '/pfs', image: 'pachyderm/opencv', user: '1000:1000', signal: new AbortController().signal, onOutput: () => undefined,
};

describe('docker executor', () => {
  it('binds each input read-only and out read-write, passes the variables, then the image and command', () => {
    expect(dockerArgs(task, 'strata-datum-1')).toEqual([
      'run', '--rm', '--name', 'strata-datum-1', '-i', '--network', 'host',
      '-v', '/work/d1/pfs/images:/pfs/images:ro', '-v', '/work/d1/pfs/edges:/pfs/edges:ro', '-v', '/work/d1/pfs/out:/pfs/out',
      '-e', 'PACH_DATUM_ID=abc', '-e', 'images=/pfs/images/a.png', '-w', '/pfs', '--user', '1000:1000', '--', 'pachyderm/opencv', 'sh', '-c', 'ls /pfs',
    ]);
  });

  it('is refused with EXECUTOR_UNAVAILABLE saying why when no engine answers', () => {
    const why = dockerUnavailable(process.env);
    if (why === undefined) {
      expect(createDockerExecutor({ env: process.env }).name).toBe('docker');
      return;
    }
    try {
      createDockerExecutor({ env: process.env });
      throw new Error('expected EXECUTOR_UNAVAILABLE');
    } catch (err) {
      expect(isStrataError(err, 'EXECUTOR_UNAVAILABLE')).toBe(true);
      expect((err as Error).message).toContain(why);
    }
    expect(dockerUnavailable({ ...process.env, PATH: '/nonexistent' })).toMatch(/cannot be run/);
  });
});
