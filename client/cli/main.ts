// The `strata` command line. Builds the commander program, runs it, and
// turns any failure into one line on stderr (`strata: <message>`) and the
// exit code of its kind (KIND_TABLE in src/errors/kinds.ts); the stack
// only with --debug.
import { Command, CommanderError } from 'commander';
import { KIND_TABLE, StrataError, isStrataError } from '../../src/errors/index.ts';
import { count, examples } from './command.ts';
import { commandModulesFor } from './command-modules.ts';
import type { Io } from './context.ts';
import { explain } from './errors.ts';

/** For bin/strata.js: whether this command loaded the SDK (see sdk-loader.ts). */
export { sdkLoaded } from './sdk-loader.ts';

const USAGE_EXIT = KIND_TABLE.InvalidArgument.exit;
/** 128 + SIGPIPE, what a shell reports for a tool cut off by a closed pipe. */
export const SIGPIPE_EXIT = 141;

/**
 * The program with the command modules `argv` needs: only the named
 * command's module for a command (`strata diff ...` evaluates neither the
 * mount nor put code, nor what they import), every module for help, a
 * completion script or a word that is no command (commander then lists
 * them, or suggests the nearest).
 */
export async function buildProgram(io: Io, argv: readonly string[] = []): Promise<Command> {
  const program = new Command('strata')
    .description('Strata: a versioned file system for data (repos, branches, immutable commits)')
    .option('--address <host:port>', 'server gRPC address (default: STRATA_ADDRESS, then `strata config`, then 127.0.0.1:7730)')
    .option('--connect-timeout <ms>', 'wait this long for the server to accept connections (default 3000)', count('--connect-timeout'))
    .option('--json', 'machine-readable output: one JSON document, or JSON lines for streams')
    .option('-q, --quiet', 'no progress bars or notes; only the answer')
    .option('--debug', 'show stack traces on errors')
    .option('--tls', 'connect with TLS, trusting the system CAs (implied by --tls-ca / --tls-cert)')
    .option('--tls-ca <file>', 'PEM CA that signed the server certificate (default: STRATA_TLS_CA, then `strata config`)')
    .option('--tls-cert <file>', 'client certificate for mutual TLS (with --tls-key; or STRATA_TLS_CERT)')
    .option('--tls-key <file>', 'the client certificate\'s PEM key (or STRATA_TLS_KEY)')
    .showSuggestionAfterError()
    .addHelpText(
      'after',
      `
Addresses: repo@branch, repo@<commit id>, repo@branch^ (parent), ^N, repo@branch.N (N-th from the root), then :/path.
${examples(
  'strata repo create images',
  'strata put images@main:/cats/1.png ./1.png',
  'strata ls images@main:/cats',
  'strata get images@main^:/cats/1.png -o 1.png',
  'strata log images@main',
  'strata diff images@main images@main^',
)}
Exit codes: 0 ok, 1 internal, 2 invalid argument, 4 not found, 5 already exists, 6 failed precondition,
7 aborted, 8 permission denied, 9 resource exhausted, 10 unavailable, 11 data loss, 12 unauthenticated.
Auth: the token comes from STRATA_TOKEN, else \`strata auth login\` (docs/security.md).`,
    );
  const output = {
    writeOut: (text: string) => void io.stdout.write(text),
    writeErr: (text: string) => void io.stderr.write(text),
    outputError: () => undefined, // main() prints the one error line
  };
  program.configureOutput(output);
  program.exitOverride();
  for (const register of await commandModulesFor(program, argv)) register(program, io);
  // Every subcommand reports its errors through main() too.
  const override = (cmd: Command): void => {
    for (const sub of cmd.commands) {
      sub.exitOverride();
      sub.configureOutput(output);
      sub.showSuggestionAfterError();
      override(sub);
    }
  };
  override(program);
  return program;
}

function flagOf(argv: string[], name: string): boolean {
  const end = argv.indexOf('--');
  return (end < 0 ? argv : argv.slice(0, end)).includes(name);
}

/** Runs the CLI; resolves with the exit code. */
export async function main(argv: string[], io: Io): Promise<number> {
  const debug = flagOf(argv, '--debug');
  try {
    const program = await buildProgram(io, argv);
    await program.parseAsync(argv, { from: 'user' });
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.exitCode === 0 || err.code === 'commander.helpDisplayed' || err.code === 'commander.version') return 0;
      // A group without its verb (`strata repo`) prints help; a wrong word gets one line.
      if (err.code === 'commander.help' || err.code === 'commander.executeSubCommandAsync') return USAGE_EXIT;
      io.stderr.write(`strata: ${oneLine(err.message.replace(/^error: /, ''))}\n`);
      return USAGE_EXIT;
    }
    // A closed pipe (`strata get ... | head`) ends quietly, as with other Unix tools.
    if ((err as NodeJS.ErrnoException)?.code === 'EPIPE') return SIGPIPE_EXIT;
    const e = await explain(err, argv, io.env);
    io.stderr.write(`strata: ${oneLine(e.message)}\n`);
    if (debug) io.stderr.write(`${debugText(err)}\n`);
    return isStrataError(e) ? KIND_TABLE[e.kind].exit : 1;
  }
}

/** Messages from deep down may span lines; the CLI promises one. */
function oneLine(message: string): string {
  return message.replace(/\s*\n\s*/g, ' ').trim();
}

function debugText(err: unknown): string {
  const parts: string[] = [];
  for (let e: unknown = err, depth = 0; e !== undefined && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    if (e instanceof StrataError) parts.push(`[${e.code} ${e.kind}] data=${JSON.stringify(e.data)}`);
    parts.push(e instanceof Error ? (e.stack ?? e.message) : String(e));
  }
  return parts.join('\ncaused by: ');
}
