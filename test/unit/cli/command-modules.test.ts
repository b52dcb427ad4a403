// The CLI loads only the module of the command typed (client/cli/command-modules.ts):
// the table must name every top-level command and alias, each with the module
// that registers it, and help, completion or a mistyped word must still see
// every command.
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { COMMAND_MODULES, commandWord } from '../../../client/cli/command-modules.ts';
import { buildProgram } from '../../../client/cli/main.ts';
import type { Io } from '../../../client/cli/context.ts';

const io: Io = {
  stdout: new PassThrough() as unknown as NodeJS.WriteStream,
  stderr: new PassThrough() as unknown as NodeJS.WriteStream,
  stdin: new PassThrough() as unknown as NodeJS.ReadStream,
  env: {},
};

/** Every top-level word (name and aliases) of the program built for `argv`. */
async function wordsFor(argv: string[]): Promise<string[]> {
  const program = await buildProgram(io, argv);
  return program.commands.flatMap((c) => [c.name(), ...c.aliases()]).sort();
}

describe('CLI command modules, loaded on use', () => {
  it('a command loads only its own module', async () => {
    expect(await wordsFor(['diff', 'a@main', 'a@main^'])).toEqual(['cp', 'diff', 'glob', 'ls', 'rm']);
    expect(await wordsFor(['--address', 'localhost:1', '--json', 'get', 'a@main:/f'])).toEqual(['get']);
    expect(await wordsFor(['umount', '/mnt'])).toEqual(['mount', 'umount', 'unmount']);
  });

  it('help, completion, no command or an unknown word load every module', async () => {
    const all = await wordsFor([]);
    for (const argv of [['--help'], ['help', 'diff'], ['completion', 'bash'], ['dif'], ['--address', 'x:1'], ['--', 'diff']]) {
      expect(await wordsFor(argv), argv.join(' ')).toEqual(all);
    }
    expect(all).toContain('diff');
    expect(all).toContain('mount');
  });

  it('the table names every top-level word, each with the module that registers it, once', async () => {
    const all = await wordsFor([]);
    const tabled = COMMAND_MODULES.flatMap((m) => m.words);
    expect(new Set(tabled).size).toBe(tabled.length);
    // `completion` and commander's own `help` load everything, so they need no row.
    expect([...tabled, 'completion'].sort()).toEqual(all);
    for (const m of COMMAND_MODULES) {
      for (const w of m.words) expect(await wordsFor([w]), w).toContain(w);
    }
  });

  it('finds the command word after global options and their values', async () => {
    const program = await buildProgram(io, ['repo']);
    expect(commandWord(program, ['--address', 'h:1', '--connect-timeout', '50', '--tls-ca', 'ca.pem', '-q', 'ls', '-r', 'x@main:/'])).toBe('ls');
    expect(commandWord(program, ['--address=h:1', 'ls'])).toBe('ls');
    expect(commandWord(program, ['--json'])).toBeUndefined();
    expect(commandWord(program, ['--', 'ls'])).toBeUndefined();
  });
});
