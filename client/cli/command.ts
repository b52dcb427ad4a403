// Glue between commander and the commands: each action gets a Context
// built from the global options, and the client is closed when it ends.
import { InvalidArgumentError, type Command } from 'commander';
import { Context, type Io } from './context.ts';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Opts = Record<string, any>;
export type Action = (ctx: Context, args: string[], opts: Opts) => Promise<void>;

/** Wraps a command implementation as a commander action. */
export function action(io: Io, fn: Action): (...args: unknown[]) => Promise<void> {
  return async (...all: unknown[]) => {
    const cmd = all[all.length - 1] as Command;
    const ctx = new Context(cmd.optsWithGlobals(), io);
    try {
      await fn(ctx, cmd.processedArgs as string[], cmd.opts());
    } finally {
      await ctx.close();
    }
  };
}

/** Help text with examples, shown after the options. */
export function examples(...lines: string[]): string {
  return `\nExamples:\n${lines.map((l) => (l.startsWith('#') ? `  ${l}` : `  $ ${l}`)).join('\n')}\n`;
}

/** Collects a repeatable option into an array. */
export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

/** Parses a non-negative integer option. */
export function count(name: string): (value: string) => number {
  return (value: string) => {
    const n = Number(value);
    if (!/^\d+$/.test(value) || !Number.isSafeInteger(n)) throw new InvalidArgumentError(`${name} must be a whole number`);
    return n;
  };
}
