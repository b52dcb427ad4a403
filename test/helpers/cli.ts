// Runs the `strata` CLI as a user does: bin/strata.js in a child process,
// pointed at a test server by STRATA_ADDRESS, with its own config file so
// the tests never read or write the user's ~/.config/strata.
import { spawn, type ChildProcess } from 'node:child_process';
import { dirname, join } from 'node:path';
import { Readable, Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const STRATA_BIN = join(ROOT, 'bin', 'strata.js');

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: Buffer;
  stderr: string;
  /** stdout as UTF-8 text. */
  out: string;
}

export interface CliOptions {
  /** Bytes written to stdin, then stdin is closed. */
  input?: Buffer | string;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  timeoutMs?: number;
}

export interface Cli {
  /** Runs `strata ...args` to completion, in a child process (bin/strata.js), as a user does. */
  run(args: string[], opts?: CliOptions): Promise<CliResult>;
  /**
   * Runs the same main() in this process, against the same server: for the
   * long tail of checks, where starting a process per case would cost more
   * than the case (stdin, cwd and signals are the test process's own).
   */
  main(args: string[], opts?: Pick<CliOptions, 'input' | 'env'>): Promise<CliResult>;
  /** Starts `strata ...args` and hands back the process (stdin left open). */
  spawn(args: string[], opts?: Omit<CliOptions, 'input'>): ChildProcess;
  env: NodeJS.ProcessEnv;
}

/** A CLI bound to a server address and a config file of its own. */
export function createCli(address: string, configFile: string): Cli {
  // The files cache of put -r goes next to the config file, never into the user's ~/.cache.
  const env: NodeJS.ProcessEnv = { ...process.env, STRATA_ADDRESS: address, STRATA_CONFIG: configFile, STRATA_CACHE_DIR: join(dirname(configFile), 'strata-cache'), NO_COLOR: '1' };
  const start = (args: string[], opts: Omit<CliOptions, 'input'> = {}): ChildProcess =>
    spawn(process.execPath, [STRATA_BIN, ...args], { cwd: opts.cwd ?? ROOT, env: { ...env, ...opts.env }, stdio: ['pipe', 'pipe', 'pipe'] });
  return {
    env,
    spawn: start,
    async main(args, opts = {}) {
      const { main } = await import('../../client/cli/main.ts');
      const [out, err] = [sink(), sink()];
      const stdin = Readable.from(opts.input === undefined ? [] : [Buffer.from(opts.input)]) as unknown as NodeJS.ReadStream;
      const code = await main(args, { stdout: out.stream, stderr: err.stream, stdin, env: { ...env, ...opts.env } });
      const stdout = out.bytes();
      return { code, signal: null, stdout, out: stdout.toString('utf8'), stderr: err.bytes().toString('utf8') };
    },
    run(args, opts = {}) {
      const child = start(args, opts);
      const out: Buffer[] = [];
      const err: Buffer[] = [];
      child.stdout!.on('data', (b: Buffer) => out.push(b));
      child.stderr!.on('data', (b: Buffer) => err.push(b));
      child.stdin!.on('error', () => undefined); // the CLI may exit before reading it all
      child.stdin!.end(opts.input ?? '');
      const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 30_000);
      return new Promise((resolve, reject) => {
        child.once('error', reject);
        child.once('close', (code, signal) => {
          clearTimeout(timer);
          const stdout = Buffer.concat(out);
          resolve({ code, signal, stdout, out: stdout.toString('utf8'), stderr: Buffer.concat(err).toString('utf8') });
        });
      });
    },
  };
}

function sink(): { stream: NodeJS.WriteStream; bytes: () => Buffer } {
  const parts: Buffer[] = [];
  const stream = new Writable({
    write(chunk: Buffer | string, _enc, cb) {
      parts.push(Buffer.from(chunk));
      cb();
    },
  });
  return { stream: stream as unknown as NodeJS.WriteStream, bytes: () => Buffer.concat(parts) };
}

/** Parses JSON lines (streams under --json). */
export function jsonLines<T = Record<string, unknown>>(text: string): T[] {
  return text
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as T);
}
