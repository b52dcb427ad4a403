// Progress bars for long transfers, on stderr, only when stderr is a
// terminal and --quiet is off (scripts and pipes see nothing). Imported by
// the commands that transfer (put, get), not by every command's context:
// cli-progress and the readline it loads cost a `strata diff` ~2 ms of CPU.
import cliProgress from 'cli-progress';
import type { Context } from './context.ts';
import { humanSize } from './format.ts';

export interface Progress {
  /** Adds `n` done units (bytes). */
  add(n: number): void;
  /** Sets the count of files done (tree transfers). */
  files(done: number): void;
  stop(): void;
}

const NO_PROGRESS: Progress = { add: () => undefined, files: () => undefined, stop: () => undefined };
/** Transfers smaller than this finish before a bar would help. */
export const PROGRESS_MIN_BYTES = 4 << 20;

export interface ProgressOptions {
  label: string;
  totalBytes: number | undefined;
  totalFiles?: number;
  enabled: boolean;
  stream?: NodeJS.WriteStream;
}

/** A bar for a command's transfer: on its stderr, unless --quiet. */
export function progressFor(ctx: Pick<Context, 'quiet' | 'io'>, label: string, totalBytes: number | undefined, totalFiles?: number): Progress {
  return startProgress({ label, totalBytes, totalFiles, enabled: !ctx.quiet, stream: ctx.io.stderr });
}

export function startProgress(opts: ProgressOptions): Progress {
  const stream = opts.stream ?? process.stderr;
  const big = (opts.totalBytes ?? Infinity) >= PROGRESS_MIN_BYTES || (opts.totalFiles ?? 0) > 1;
  if (!opts.enabled || !stream.isTTY || !big) return NO_PROGRESS;
  const started = Date.now();
  let done = 0;
  let files = 0;
  const format = (_o: unknown, params: { value: number; total: number; progress: number }): string => {
    const seconds = Math.max((Date.now() - started) / 1000, 0.001);
    const rate = `${humanSize(Math.round(params.value / seconds))}/s`;
    const count = opts.totalFiles !== undefined ? ` | ${files}/${opts.totalFiles} files` : '';
    if (opts.totalBytes === undefined) return `${opts.label} ${humanSize(params.value)} | ${rate}${count}`;
    const width = 30;
    const filled = Math.round(Math.min(1, params.progress) * width);
    const bar = `${'█'.repeat(filled)}${'░'.repeat(width - filled)}`;
    return `${opts.label} ${bar} ${Math.floor(params.progress * 100)}% | ${humanSize(params.value)}/${humanSize(params.total)} | ${rate}${count}`;
  };
  const bar = new cliProgress.SingleBar({ stream, format, hideCursor: true, clearOnComplete: true, fps: 10, etaBuffer: 50 });
  bar.start(opts.totalBytes ?? 0, 0);
  return {
    add(n) {
      done += n;
      bar.update(done);
    },
    files(n) {
      files = n;
    },
    stop() {
      bar.stop();
    },
  };
}
