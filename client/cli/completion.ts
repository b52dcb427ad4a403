// Shell completion scripts for bash, zsh and fish, generated from the
// commander program itself so they never drift from the commands: command
// and subcommand names, then each command's flags. Repo and branch names
// are not completed (that would need a server round trip per keystroke).
import type { Command } from 'commander';
import { StrataError } from '../../src/errors/index.ts';

export const SHELLS = ['bash', 'zsh', 'fish'] as const;
export type Shell = (typeof SHELLS)[number];

interface Node {
  /** The words that lead here, e.g. ['repo', 'create']; [] for the program. */
  path: string[];
  description: string;
  flags: string[];
  /** Subcommand names and aliases (what may be typed). */
  children: string[];
  /** Each typed word (name or alias) -> the subcommand's name. */
  names: Map<string, string>;
}

export function parseShell(value: string): Shell {
  if (!(SHELLS as readonly string[]).includes(value)) {
    throw new StrataError('INVALID_ARGUMENT', `unknown shell "${value}": expected ${SHELLS.join(', ')}`, { input: value });
  }
  return value as Shell;
}

function nodes(cmd: Command, path: string[] = [], out: Node[] = []): Node[] {
  const visible = cmd.commands.filter((c) => !(c as unknown as { _hidden?: boolean })._hidden);
  const flags = cmd.options.flatMap((o) => [o.short, o.long].filter((f): f is string => f !== undefined));
  const names = new Map(visible.flatMap((c) => [c.name(), ...c.aliases()].map((w) => [w, c.name()] as const)));
  out.push({ path, description: cmd.description(), flags: [...flags, '--help'], children: [...names.keys()], names });
  for (const c of visible) nodes(c, [...path, c.name()], out);
  return out;
}

const quote = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

/** Shell `case` arms (bash and zsh alike) that extend $cmdpath by the typed word $w. */
function pathArms(all: Node[]): string {
  return all
    .filter((n) => n.names.size > 0)
    .map((n) => {
      const arms = [...n.names].map(([w, name]) => `${quote(w)}) cmdpath=${quote([...n.path, name].join(' '))} ;;`).join(' ');
      return `      ${quote(n.path.join(' '))}) case "$w" in ${arms} esac ;;`;
    })
    .join('\n');
}

function bash(all: Node[], globals: string[]): string {
  const cases = all
    .map((n) => `    ${quote(n.path.join(' '))}) words=${quote([...n.children, ...n.flags, ...globals].join(' '))} ;;`)
    .join('\n');
  return `# bash completion for strata (strata completion bash)
# Load now: source <(strata completion bash)
# Keep: strata completion bash > ~/.local/share/bash-completion/completions/strata
_strata() {
  local cur=\${COMP_WORDS[COMP_CWORD]} cmdpath='' w i words
  # The command path: the leading words that are command names.
  for ((i = 1; i < COMP_CWORD; i++)); do
    w=\${COMP_WORDS[i]}
    [[ $w == -* ]] && continue
    case "$cmdpath" in
${pathArms(all)}
    esac
  done
  case "$cmdpath" in
${cases}
    *) words='' ;;
  esac
  COMPREPLY=($(compgen -W "$words" -- "$cur"))
  # Arguments that are not commands or flags: fall back to file names.
  [[ \${#COMPREPLY[@]} -eq 0 && $cur != -* ]] && COMPREPLY=($(compgen -f -- "$cur"))
  return 0
}
complete -o filenames -F _strata strata
`;
}

function zsh(all: Node[], globals: string[]): string {
  return `#compdef strata
# zsh completion for strata (strata completion zsh)
# Load now: source <(strata completion zsh)
# Keep: strata completion zsh > "\${fpath[1]}/_strata" (then restart zsh)
_strata() {
  local cmdpath='' w i
  for ((i = 2; i < CURRENT; i++)); do
    w=\${words[i]}
    [[ $w == -* ]] && continue
    case "$cmdpath" in
${pathArms(all)}
    esac
  done
  local -a candidates
  case "$cmdpath" in
${all.map((n) => `    ${quote(n.path.join(' '))}) candidates=(${[...n.children, ...n.flags, ...globals].map(quote).join(' ')}) ;;`).join('\n')}
  esac
  if [[ \${words[CURRENT]} == -* || \${#candidates} -gt 0 ]]; then
    compadd -- \${candidates[@]}
  fi
  _files
}
if [[ $zsh_eval_context[-1] == loadautofunc ]]; then
  _strata "$@"
else
  compdef _strata strata
fi
`;
}

function fish(all: Node[], globals: string[]): string {
  const lines = ['# fish completion for strata (strata completion fish)', '# Keep: strata completion fish > ~/.config/fish/completions/strata.fish', 'complete -c strata -f'];
  for (const n of all) {
    // A word is offered when the command path typed so far is exactly n.path.
    const cond = n.path.length === 0 ? '__fish_use_subcommand' : `__strata_path_is ${n.path.map(quote).join(' ')}`;
    for (const c of n.children) {
      const child = all.find((x) => x.path.join(' ') === [...n.path, c].join(' '));
      lines.push(`complete -c strata -n ${quote(cond)} -a ${quote(c)} -d ${quote(child?.description.split('\n')[0] ?? '')}`);
    }
    for (const f of n.flags) {
      lines.push(f.startsWith('--') ? `complete -c strata -n ${quote(cond)} -l ${quote(f.slice(2))}` : `complete -c strata -n ${quote(cond)} -s ${quote(f.slice(1))}`);
    }
    if (n.children.length === 0 && n.path.length > 0) lines.push(`complete -c strata -n ${quote(cond)} -F`);
  }
  for (const g of globals.filter((f) => f.startsWith('--'))) lines.push(`complete -c strata -l ${quote(g.slice(2))}`);
  return `function __strata_path_is
    # True when the non-flag words after "strata" are exactly the arguments.
    set -l words (commandline -opc)
    set -e words[1]
    set -l path
    for w in $words
        string match -q -- '-*' $w; and continue
        set -a path $w
    end
    test (count $path) -eq (count $argv); or return 1
    for i in (seq (count $argv))
        test "$path[$i]" = "$argv[$i]"; or return 1
    end
end
${lines.join('\n')}
`;
}

/** The completion script for `shell`, describing `program`'s commands and flags. */
export function completionScript(program: Command, shell: Shell): string {
  const all = nodes(program);
  const globals = all[0]!.flags;
  // The program node offers the global flags itself; other nodes add them.
  all[0]!.flags = [];
  const out = { bash, zsh, fish }[shell](all, globals);
  all[0]!.flags = globals;
  return out;
}
