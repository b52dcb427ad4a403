// The local executor's kept sandbox (one bubblewrap sandbox for many
// datums): each command sees exactly the inputs laid out for it, read-only,
// and its own out/; output, exit codes, timeouts, stops and background
// processes behave as with a sandbox per datum; transform.user switches
// the user. Real bwrap, real processes; skipped where bwrap cannot run.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { bwrapPidNamespaceWorks, bwrapWorks } from '../../src/pps/exec/isolation.ts';
import type { DatumSlot, DatumTask } from '../../src/pps/exec/executor.ts';
import { createLocalExecutor } from '../../src/pps/exec/local-executor.ts';
import { emptySlot } from '../../src/pps/exec/slots.ts';
import { createTempDir, type TempDir } from '../helpers/tmp.ts';

const canRun = bwrapWorks();
const pidNs = canRun && bwrapPidNamespaceWorks();
const isRoot = process.getuid?.() === 0;
let tmp: TempDir;
let slot: DatumSlot | undefined;

beforeEach(async () => (tmp = await createTempDir('strata-slot')));
afterEach(async () => {
  await slot?.close();
  slot = undefined;
  await tmp.remove();
});

async function open(user = '', ownPids?: boolean): Promise<DatumSlot> {
  const ex = createLocalExecutor({ env: process.env, isolation: 'bwrap', ownPids });
  slot = await ex.openSlot!({ dir: join(tmp.path, 'slot'), user });
  return slot;
}

async function run(s: DatumSlot, cmd: string, over: Partial<DatumTask> = {}): Promise<{ code: number | null; timedOut: boolean; aborted: boolean; out: string; err: string }> {
  let out = '';
  let err = '';
  const exit = await s.run({
    inputs: ['in'], cmd: ['sh', '-c', cmd], stdin: '', env: {}, workingDir: '', image: '', user: '', signal: new AbortController().signal,
    onOutput: (stream, b) => void (stream === 'stdout' ? (out += b.toString()) : (err += b.toString())),
    ...over,
  });
  return { code: exit.exitCode, timedOut: exit.timedOut, aborted: exit.aborted, out, err };
}

async function layOut(s: DatumSlot, files: Record<string, string>): Promise<void> {
  await emptySlot(s);
  for (const [name, body] of Object.entries(files)) {
    await mkdir(join(s.pfsDir, 'in'), { recursive: true });
    await writeFile(join(s.pfsDir, 'in', name), body);
  }
}

describe.skipIf(!canRun)('kept bubblewrap sandbox', () => {
  it('shows each datum only its own inputs and out, and keeps their output apart', async () => {
    const s = await open();
    for (const [name, body] of [['a.txt', 'alpha'], ['b.txt', 'beta']] as const) {
      await layOut(s, { [name]: body });
      const r = await run(s, 'ls /pfs/in; cat /pfs/in/*; echo oops >&2; cp /pfs/in/* /pfs/out/; cd /pfs && pwd', { stdin: 'x\n' });
      expect(r).toMatchObject({ code: 0, out: `${name}\n${body}/pfs\n`, err: 'oops\n' });
      expect(await readFile(join(s.pfsDir, 'out', name), 'utf8')).toBe(body);
    }
    // Inputs are read-only; the working directory, stdin, variables and exit codes come through.
    const w = await run(s, 'touch /pfs/in/new', {});
    expect(w.code).not.toBe(0);
    const v = await run(s, 'read l; echo "$l $FOO $(pwd)"; exit 3', { stdin: 'hello\n', env: { FOO: 'bar' }, workingDir: '/tmp' });
    expect(v).toMatchObject({ code: 3, out: 'hello bar /tmp\n' });
    const missing = await run(s, '', { cmd: ['no-such-command-x'] });
    expect(missing.code).toBe(127);
    expect(missing.err).toMatch(/(cannot run|failed to execute) no-such-command-x/);
  });

  it('kills a command at its timeout or stop, with what it left running, and keeps serving', async () => {
    const s = await open();
    const marker = join(tmp.path, 'left-behind');
    const t = await run(s, `(sleep 2; touch ${marker}) & sleep 30`, { timeoutMs: 300 });
    expect(t.timedOut).toBe(true);
    const ac = new AbortController();
    const stopped = run(s, 'sleep 30', { signal: ac.signal });
    setTimeout(() => ac.abort(), 200);
    expect((await stopped).aborted).toBe(true);
    const bg = await run(s, `(sleep 2; touch ${marker}) & echo started`);
    expect(bg).toMatchObject({ code: 0, out: 'started\n' });
    await new Promise((r) => setTimeout(r, 2500));
    await expect(stat(marker)).rejects.toThrow(/ENOENT/);
    expect((await run(s, 'echo still')).out).toBe('still\n');
  });

  // Own PID namespace (the default where bwrap can: the kernel empties it when the runner ends), or setpriv --pdeathsig per command.
  const killedWithSandbox = async (ownPids: boolean): Promise<void> => {
    const s = await open('', ownPids);
    // Found by its arguments: inside a PID namespace $$ is not the host's pid.
    const marker = `${60 + Math.floor(Math.random() * 1000) / 1000}`;
    const running = run(s, `exec sleep ${marker}`);
    const hostPid = (): number | undefined => {
      for (const p of readdirSync('/proc')) {
        if (!/^\d+$/.test(p)) continue;
        try {
          if (readFileSync(`/proc/${p}/cmdline`, 'utf8') === `sleep\0${marker}\0`) return Number(p);
        } catch {
          // gone meanwhile
        }
      }
      return undefined;
    };
    let pid: number | undefined;
    while (!(pid = hostPid())) await new Promise((r) => setTimeout(r, 20));
    const parent = (p: number): number => Number(/PPid:\s+(\d+)/.exec(readFileSync(`/proc/${p}/status`, 'utf8'))![1]);
    let bwrap = parent(pid);
    while (parent(bwrap) !== process.pid) bwrap = parent(bwrap); // the outermost bwrap, the server's child
    process.kill(bwrap, 'SIGKILL');
    const exit = await running;
    expect(exit.code).toBeNull();
    // Dead: gone, a zombie (Z), or being released (X, "dead"; its /proc entry can
    // outlive the zombie state by a moment). Once dead it never lives again.
    const dead = (): boolean => {
      try {
        return /State:\s+[ZX]/.test(readFileSync(`/proc/${pid}/status`, 'utf8'));
      } catch {
        return !existsSync(`/proc/${pid}`);
      }
    };
    let died = false;
    for (let i = 0; i < 100 && !(died = dead()); i++) await new Promise((r) => setTimeout(r, 50));
    expect(died).toBe(true);
    expect(s.alive).toBe(false);
  };
  it.skipIf(!pidNs)('kills a running command when the sandbox dies (as when the server is killed): its own PID namespace', () => killedWithSandbox(true));
  it('kills a running command when the sandbox dies (as when the server is killed): setpriv --pdeathsig', () => killedWithSandbox(false));

  it.skipIf(!pidNs)('with its own PID namespace, a command sees its own processes in /proc, not the host\'s', async () => {
    const s = await open('', true);
    const r = await run(s, `head -1 /proc/$$/status; test -e /proc/${process.pid} && echo host-visible; true`);
    expect(r).toMatchObject({ code: 0, out: 'Name:\tsh\n' });
  });

  it.skipIf(!isRoot)('runs commands as transform.user, which can write /pfs/out', async () => {
    const s = await open('65534:65534');
    await layOut(s, { 'a.txt': 'alpha' });
    const r = await run(s, 'id -u; id -g; cat /pfs/in/a.txt > /pfs/out/copy');
    expect(r).toMatchObject({ code: 0, out: '65534\n65534\n' });
    expect((await stat(join(s.pfsDir, 'out', 'copy'))).uid).toBe(65534);
  });
});
