// Which module defines each top-level command, so that a command loads only
// its own module. Evaluating every command module (and the mount, run, tar
// and progress code they import) cost each one-call command, `strata diff`
// included, time before it made its call (docs/benchmarks.md, startup).
// The bundle stays one file (scripts/build.mjs): esbuild turns these dynamic
// imports into functions that evaluate a module on first use, so V8's code
// cache still covers them.
import type { Command } from 'commander';
import type { Io } from './context.ts';

export type Register = (program: Command, io: Io) => void;

interface CommandModule {
  /** The top-level words (names and aliases) the module registers. */
  words: readonly string[];
  load: () => Promise<Register>;
}

/** In the order `strata --help` lists them. */
export const COMMAND_MODULES: readonly CommandModule[] = [
  { words: ['repo'], load: async () => (await import('./commands/repo.ts')).registerRepo },
  { words: ['branch'], load: async () => (await import('./commands/branch.ts')).registerBranch },
  { words: ['tag'], load: async () => (await import('./commands/tag.ts')).registerTag },
  { words: ['commit', 'log'], load: async () => (await import('./commands/commit.ts')).registerCommit },
  { words: ['put'], load: async () => (await import('./commands/put.ts')).registerPut },
  { words: ['get'], load: async () => (await import('./commands/get.ts')).registerGet },
  { words: ['ls', 'glob', 'diff', 'rm', 'cp'], load: async () => (await import('./commands/files.ts')).registerFiles },
  { words: ['fsck', 'gc', 'config', 'server'], load: async () => (await import('./commands/admin.ts')).registerAdmin },
  { words: ['run'], load: async () => (await import('./commands/run.ts')).registerRun },
  { words: ['mount', 'unmount', 'umount'], load: async () => (await import('./commands/mount.ts')).registerMount },
  { words: ['pipeline'], load: async () => (await import('./commands/pipeline.ts')).registerPipeline },
  { words: ['job', 'datum'], load: async () => (await import('./commands/job.ts')).registerJob },
  { words: ['logs', 'explain'], load: async () => (await import('./commands/logs.ts')).registerLogs },
  { words: ['inspect'], load: async () => (await import('./commands/inspect.ts')).registerInspect },
  // `completion` writes a script of every command, so it needs them all (below).
  { words: ['version'], load: async () => (await import('./commands/version.ts')).registerVersion },
  { words: ['auth'], load: async () => (await import('./commands/auth.ts')).registerAuth },
];

/**
 * The first word of `argv` that is not a global option or an option's value:
 * the command a user typed, if any. `program` holds the global options
 * (which of them take a value). Undefined after `--` or with no word.
 */
export function commandWord(program: Command, argv: readonly string[]): string | undefined {
  const takesValue = new Set(program.options.filter((o) => o.required || o.optional).flatMap((o) => [o.long, o.short].filter((f): f is string => f !== undefined)));
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') return undefined;
    if (takesValue.has(a)) i++;
    else if (!a.startsWith('-')) return a;
  }
  return undefined;
}

/** The register functions `argv` needs: the one module of its command, else (help, completion, a mistyped word) all of them. */
export async function commandModulesFor(program: Command, argv: readonly string[]): Promise<Register[]> {
  const word = commandWord(program, argv);
  const one = word === undefined ? undefined : COMMAND_MODULES.find((m) => m.words.includes(word));
  return Promise.all((one ? [one] : COMMAND_MODULES).map((m) => m.load()));
}
