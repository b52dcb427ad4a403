// One bubblewrap sandbox for a run of datums (the local executor's slot):
// setting up a sandbox costs more than a trivial command, so a job sets one
// up per worker and runs each datum's command in it through a small runner
// (node, over an IPC channel). The slot directory is bound read-only at
// /pfs and its out/ read-write at /pfs/out; since binds show a directory's
// live contents, each datum sees exactly the inputs laid out for it, as
// with a sandbox of its own. The runner starts every command in its own
// process group and kills the group when the command exits, is stopped or
// times out, so nothing a datum started outlives it.
import { spawn, type ChildProcess } from 'node:child_process';
import { chown, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { DatumExit, DatumSlot, DatumTask } from './executor.ts';
import { bwrapHostArgs } from './isolation.ts';
import type { UnixUser } from './user.ts';

// Plain JavaScript, run with `node -e` inside the sandbox.
const RUNNER = `
const { spawn } = require('node:child_process');
const kids = new Map();
const killGroup = (c) => { try { process.kill(-c.pid, 'SIGKILL'); } catch {} };
process.on('message', (m) => {
  if (m.type === 'kill') { const c = kids.get(m.id); if (c) killGroup(c); return; }
  let done = false, exit = [null, null];
  const end = (msg) => { if (done) return; done = true; kids.delete(m.id); process.send({ type: 'exit', id: m.id, ...msg }); };
  let c;
  try {
    c = spawn(m.file, m.args, { cwd: m.cwd, env: m.env, stdio: ['pipe', 'pipe', 'pipe'], detached: true, uid: m.uid, gid: m.gid });
  } catch (e) { return end({ error: e.code || e.message }); }
  kids.set(m.id, c);
  c.stdout.on('data', (b) => process.send({ type: 'out', id: m.id, stream: 'stdout', data: b }));
  c.stderr.on('data', (b) => process.send({ type: 'out', id: m.id, stream: 'stderr', data: b }));
  c.stdin.on('error', () => {});
  c.stdin.end(m.stdin);
  c.once('error', (e) => end({ error: e.code || e.message }));
  c.once('exit', (code, signal) => { exit = [code, signal]; killGroup(c); });
  c.once('close', () => end({ code: exit[0], signal: exit[1] }));
});
process.on('disconnect', () => { for (const c of kids.values()) killGroup(c); process.exit(0); });
`;

type RunnerMessage =
  | { type: 'out'; id: number; stream: 'stdout' | 'stderr'; data: Uint8Array }
  | { type: 'exit'; id: number; code?: number | null; signal?: string | null; error?: string };

interface Pending {
  task: Omit<DatumTask, 'pfsDir'>;
  resolve(e: DatumExit): void;
  timedOut: boolean;
  aborted: boolean;
}

/**
 * Opens a slot at `dir`: makes dir/out (owned by `user` when given) and starts the sandbox.
 * Commands must die with the runner, which dies with bwrap, which dies with the server, even
 * on kill -9. With `ownPids` the sandbox has a PID namespace of its own, which the kernel
 * empties when the runner ends; without, `wrap` goes before every command (setpriv
 * --pdeathsig KILL --), one more exec per datum.
 */
export async function openSandboxSlot(o: { dir: string; env: NodeJS.ProcessEnv; user?: UnixUser; wrap?: string[]; ownPids?: boolean }): Promise<DatumSlot> {
  const out = join(o.dir, 'out');
  await mkdir(out, { recursive: true });
  if (o.user) await chown(out, o.user.uid, o.user.gid);
  const args = [...bwrapHostArgs({ ownPids: o.ownPids }), '--ro-bind', o.dir, '/pfs', '--bind', out, '/pfs/out'];
  // Switching to the user needs these two inside; bwrap drops every capability otherwise.
  if (o.user) args.push('--cap-add', 'CAP_SETUID', '--cap-add', 'CAP_SETGID');
  args.push('--chdir', '/', '--', process.execPath, '-e', RUNNER);
  const child: ChildProcess = spawn('bwrap', args, { env: { PATH: o.env.PATH ?? '/usr/bin:/bin' }, stdio: ['ignore', 'ignore', 'pipe', 'ipc'], serialization: 'advanced' });
  const pending = new Map<number, Pending>();
  let nextId = 1;
  let gone: string | undefined;
  let stderr = '';
  child.stderr?.on('data', (b: Buffer) => void (stderr = (stderr + b.toString()).slice(-4096)));
  child.on('message', (m: RunnerMessage) => {
    const p = pending.get(m.id);
    if (!p) return;
    if (m.type === 'out') return p.task.onOutput(m.stream, Buffer.from(m.data));
    pending.delete(m.id);
    if (m.error) p.task.onOutput('stderr', Buffer.from(`strata: cannot run ${p.task.cmd[0]}: ${m.error === 'ENOENT' ? 'command or working directory not found' : m.error}\n`));
    const code = m.error ? (m.error === 'ENOENT' ? 127 : 126) : (m.code ?? null);
    p.resolve({ exitCode: code, signal: m.signal ?? null, timedOut: p.timedOut, aborted: p.aborted });
  });
  const onGone = (why: string): void => {
    gone ??= why;
    for (const p of pending.values()) {
      p.task.onOutput('stderr', Buffer.from(`strata: the datum sandbox ended (${gone})${stderr ? `: ${stderr.trim()}` : ''}\n`));
      p.resolve({ exitCode: null, signal: 'SIGKILL', timedOut: p.timedOut, aborted: p.aborted });
    }
    pending.clear();
  };
  child.on('error', (err) => onGone(err.message));
  child.on('exit', (code, signal) => onGone(signal ? `killed by ${signal}` : `exit code ${code}`));
  return {
    pfsDir: o.dir,
    get alive() {
      return gone === undefined;
    },
    run(task): Promise<DatumExit> {
      return new Promise((resolve) => {
        const id = nextId++;
        const p: Pending = { task, timedOut: false, aborted: false, resolve: (e) => (cleanup(), resolve(e)) };
        const kill = (): void => void (child.connected && child.send({ type: 'kill', id }));
        const timer = task.timeoutMs === undefined ? undefined : setTimeout(() => ((p.timedOut = true), kill()), task.timeoutMs);
        const onAbort = (): void => ((p.aborted = true), kill());
        const cleanup = (): void => {
          if (timer) clearTimeout(timer);
          task.signal.removeEventListener('abort', onAbort);
        };
        if (gone !== undefined) return p.resolve({ exitCode: null, signal: 'SIGKILL', timedOut: false, aborted: task.signal.aborted });
        pending.set(id, p);
        if (task.signal.aborted) onAbort();
        else task.signal.addEventListener('abort', onAbort, { once: true });
        const cwd = task.workingDir || '/pfs';
        const argv = [...(o.wrap ?? []), ...task.cmd];
        child.send({ type: 'run', id, file: argv[0], args: argv.slice(1), cwd, env: task.env, stdin: task.stdin, uid: o.user?.uid, gid: o.user?.gid });
      });
    },
    async close(): Promise<void> {
      if (gone !== undefined) return;
      const ended = new Promise((r) => child.once('exit', r));
      if (child.connected) child.disconnect();
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await ended;
      clearTimeout(timer);
    },
  };
}
