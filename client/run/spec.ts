// What `strata run` was asked to do, parsed once at the edge: inputs
// (`NAME=REF:/GLOB`), the output branch, the chosen environment variables,
// and the command. Every rule broken here is an InvalidArgument naming the
// bad text, before anything is fetched or run.
import { StrataError } from '../../src/errors/index.ts';
import { parseRef } from '../../src/ref.ts';

export interface RunInput {
  /** The directory under /pfs: `/pfs/<name>`. */
  name: string;
  /** The ref as given, e.g. `images@main` or `labels@main^`. */
  ref: string;
  /** An absolute glob; `/` means the whole commit. */
  glob: string;
}

export interface RunOutput {
  repo: string;
  branch: string;
}

import type { IsolationChoice } from '../../src/pps/exec/isolation.ts';

export type { IsolationChoice };
export const ISOLATIONS: readonly IsolationChoice[] = ['auto', 'bwrap', 'unshare', 'dir'];

const INPUT_NAME = /^[A-Za-z0-9_][A-Za-z0-9_-]*$/;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

function invalid(message: string, input: string): StrataError {
  return new StrataError('INVALID_ARGUMENT', message, { input });
}

/** `NAME=REF:/GLOB`, or `NAME=REF` for the whole commit. */
export function parseInput(text: string): RunInput {
  const eq = text.indexOf('=');
  if (eq <= 0) throw invalid(`invalid --input "${text}": expected NAME=REF:/GLOB, e.g. data=images@main:/ or labels=labels@main:/*.csv`, text);
  const name = text.slice(0, eq);
  const rest = text.slice(eq + 1);
  if (!INPUT_NAME.test(name) || name.length > 63) {
    throw invalid(`invalid --input name "${name}": letters, digits, "_" and "-" only (it becomes /pfs/${name})`, text);
  }
  if (name === 'out') throw invalid(`invalid --input name "out": /pfs/out is the output directory`, text);
  const colon = rest.indexOf(':');
  const ref = colon < 0 ? rest : rest.slice(0, colon);
  const glob = colon < 0 ? '/' : rest.slice(colon + 1);
  if (!glob.startsWith('/')) throw invalid(`invalid --input "${text}": the glob must start with "/" (e.g. ${ref}:/ or ${ref}:/*.csv)`, text);
  parseRef(ref); // a bad ref fails with INVALID_REF naming it; a bare repo means repo@main
  return { name, ref, glob };
}

export function parseInputs(texts: string[]): RunInput[] {
  if (texts.length === 0) throw invalid('strata run needs at least one --input NAME=REF:/GLOB', '');
  const inputs = texts.map(parseInput);
  const seen = new Set<string>();
  for (const i of inputs) {
    if (seen.has(i.name)) throw invalid(`two inputs are named "${i.name}"; each needs its own /pfs/<name>`, i.name);
    seen.add(i.name);
  }
  return inputs;
}

/** `repo@branch` exactly: the output is always a branch. */
export function parseOutput(text: string): RunOutput {
  const ref = parseRef(text);
  if (ref.target.kind !== 'branch' || ref.ancestry !== null || ref.path !== null || !text.includes('@')) {
    throw invalid(`invalid --output "${text}": expected REPO@BRANCH, e.g. counts@main`, text);
  }
  return { repo: ref.repo, branch: ref.target.branch };
}

/**
 * `--env NAME` records NAME's current value; `--env NAME=VALUE` sets it for
 * the command and records it. Unset names are refused, so the record never
 * claims a value the command did not see.
 */
export function parseEnv(texts: string[], env: NodeJS.ProcessEnv): Record<string, string> {
  const out: Record<string, string> = {};
  for (const t of texts) {
    const eq = t.indexOf('=');
    const name = eq < 0 ? t : t.slice(0, eq);
    if (!ENV_NAME.test(name)) throw invalid(`invalid --env "${t}": expected NAME or NAME=VALUE`, t);
    const value = eq < 0 ? env[name] : t.slice(eq + 1);
    if (value === undefined) throw invalid(`--env ${name}: ${name} is not set; set it or give --env ${name}=VALUE`, t);
    out[name] = value;
  }
  return out;
}

export function parseIsolation(text: string | undefined): IsolationChoice {
  const v = (text ?? 'auto') as IsolationChoice;
  if (!ISOLATIONS.includes(v)) throw invalid(`invalid --isolation "${text}": one of ${ISOLATIONS.join(', ')}`, String(text));
  return v;
}
