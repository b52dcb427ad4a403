// Parses and checks a Pachyderm-format pipeline spec (JSON), so existing
// specs run unchanged. Unknown fields and invalid combinations are refused
// with INVALID_PIPELINE_SPEC naming the field; fields that only matter on a
// cluster are accepted, kept, and listed in `notApplied`.
import { createHash } from 'node:crypto';
import { DEFAULT_BRANCH, parseBranchName, parseRepoName, type BranchName, type RepoName } from '../ids.ts';
import { StrataError, isStrataError } from '../errors/index.ts';
import { checkCronSpec } from './cron.ts';
import { parseDuration } from './duration.ts';
import { SpecReader, isObject, specError } from './spec-reader.ts';
import type { CronInputSpec, InputSpec, PfsInputSpec, PipelineSpec, ReprocessSpec, TransformSpec } from './spec-types.ts';

export type * from './spec-types.ts';

/** Fields that size or place workers on a cluster: meaningless for one server, so kept but not applied. */
const CLUSTER_ONLY = ['resource_requests', 'resource_limits', 'sidecar_resource_limits', 'autoscaling', 'scheduling_spec', 'pod_patch', 'pod_spec', 'tolerations', 'node_selector'];
const INPUT_KINDS = ['pfs', 'cross', 'union', 'join', 'group', 'cron'] as const;
const INPUT_NAME = /^[A-Za-z0-9_][A-Za-z0-9_-]*$/;

/** Parses JSON text (or an already-parsed object) into a checked spec. */
export function parsePipelineSpec(text: string | unknown): PipelineSpec {
  let obj: unknown = text;
  if (typeof text === 'string') {
    try {
      obj = JSON.parse(text);
    } catch (err) {
      throw new StrataError('INVALID_PIPELINE_SPEC', `invalid pipeline spec: not JSON (${err instanceof Error ? err.message : String(err)})`, { field: '' }, { cause: err });
    }
  }
  const r = SpecReader.of(obj, '');
  const notApplied: PipelineSpec['notApplied'] = [];
  const pipeline = r.object('pipeline') ?? r.fail('pipeline', 'is required ({"pipeline": {"name": "..."}})');
  const name = named(pipeline, 'name', parseRepoName);
  if (pipeline.has('project')) notApplied.push({ field: 'pipeline.project', reason: 'Strata has one project' });
  pipeline.done();
  const description = r.string('description', '');
  const transform = parseTransform(r.object('transform') ?? r.fail('transform', 'is required'), notApplied);
  const inputReader = r.object('input') ?? r.fail('input', 'is required');
  const input = parseInput(inputReader, 'top', notApplied, name);
  checkInputNames(input);
  const par = r.object('parallelism_spec');
  const parallelism = par ? par.count('constant', 1) : 1;
  if (par?.has('coefficient')) notApplied.push({ field: 'parallelism_spec.coefficient', reason: 'a fraction of cluster nodes has no meaning on one server' });
  par?.done();
  const datumTries = r.count('datum_tries', 3);
  if (datumTries < 1) r.fail('datum_tries', 'must be at least 1');
  const spec: PipelineSpec = {
    name,
    description,
    transform,
    input,
    parallelism: Math.max(1, parallelism),
    datumTries,
    datumTimeoutMs: duration(r, 'datum_timeout'),
    jobTimeoutMs: duration(r, 'job_timeout'),
    outputBranch: r.has('output_branch') ? named(r, 'output_branch', parseBranchName) : DEFAULT_BRANCH,
    reprocessSpec: reprocess(r),
    salt: r.string('salt', ''),
    notApplied,
  };
  for (const f of CLUSTER_ONLY) if (r.has(f)) notApplied.push({ field: f, reason: 'cluster-only: applies to Kubernetes workers, not to this server' });
  for (const f of ['metadata', 'spec_commit', 'reprocess', 'autoscaling']) r.raw(f); // accepted as documentation
  if (r.has('metadata')) notApplied.push({ field: 'metadata', reason: 'annotations and labels are for Kubernetes pods' });
  r.done();
  return spec;
}

function named<T>(r: SpecReader, field: string, parse: (s: string) => T): T {
  const s = r.string(field);
  try {
    return parse(s);
  } catch (err) {
    if (isStrataError(err)) r.fail(field, `is invalid: ${err.message}`);
    throw err;
  }
}

function duration(r: SpecReader, field: string): number | undefined {
  if (!r.has(field)) return undefined;
  const ms = parseDuration(r.string(field));
  if (ms === undefined) r.fail(field, `must be a duration such as "30s", "5m" or "1h30m", not ${JSON.stringify(r.obj[field])}`);
  return ms === 0 ? undefined : ms;
}

function reprocess(r: SpecReader): ReprocessSpec {
  const v = r.string('reprocess_spec', 'until_success');
  if (v !== 'until_success' && v !== 'every_job') r.fail('reprocess_spec', `must be "until_success" or "every_job", not ${JSON.stringify(v)}`);
  return v;
}

function parseTransform(t: SpecReader, notApplied: PipelineSpec['notApplied']): TransformSpec {
  const cmd = t.strings('cmd');
  if (cmd.length === 0) t.fail('cmd', 'is required: the command and its arguments, e.g. ["sh", "-c", "..."]');
  const errCmd = t.strings('err_cmd');
  const errStdin = t.strings('err_stdin');
  if (errStdin.length > 0 && errCmd.length === 0) t.fail('err_stdin', 'needs transform.err_cmd');
  const spec: TransformSpec = {
    image: t.string('image', ''),
    cmd,
    stdin: t.strings('stdin'),
    env: t.stringMap('env'),
    workingDir: t.string('working_dir', ''),
    user: t.string('user', ''),
    acceptReturnCode: t.ints('accept_return_code'),
    errCmd,
    errStdin,
  };
  if (spec.workingDir && !spec.workingDir.startsWith('/')) t.fail('working_dir', 'must be an absolute path');
  for (const f of ['image_pull_secrets', 'secrets', 'debug', 'memory_volume', 'datum_batching']) {
    if (t.has(f)) notApplied.push({ field: `transform.${f}`, reason: 'cluster-only' });
  }
  t.done();
  return spec;
}

type Parent = 'top' | 'cross' | 'union' | 'join' | 'group';

function parseInput(r: SpecReader, parent: Parent, notApplied: PipelineSpec['notApplied'], pipeline: string): InputSpec {
  const present = INPUT_KINDS.filter((k) => r.has(k));
  if (present.length !== 1) {
    throw specError(r.at, present.length === 0 ? `needs one of ${INPUT_KINDS.join(', ')}` : `has ${present.join(' and ')}; give exactly one`);
  }
  const kind = present[0]!;
  let out: InputSpec;
  if (kind === 'pfs') out = { kind, pfs: parsePfs(r.object('pfs')!, parent, notApplied) };
  else if (kind === 'cron') out = { kind, cron: parseCron(r.object('cron')!, pipeline) };
  else {
    const list = r.raw(kind);
    if (!Array.isArray(list) || list.length === 0) r.fail(kind, 'must be a non-empty array of inputs');
    const inputs = list.map((child, i) => {
      const at = `${r.path(kind)}[${i}]`;
      if (!isObject(child)) throw specError(at, 'must be a JSON object');
      return parseInput(new SpecReader(child, at), kind, notApplied, pipeline);
    });
    if ((kind === 'join' || kind === 'group') && inputs.some((i) => i.kind !== 'pfs')) {
      r.fail(kind, `may only hold pfs inputs (each with ${kind === 'join' ? 'join_on' : 'group_by'})`);
    }
    out = { kind, inputs };
  }
  r.done();
  return out;
}

function parsePfs(p: SpecReader, parent: Parent, notApplied: PipelineSpec['notApplied']): PfsInputSpec {
  const repo = named(p, 'repo', parseRepoName);
  const glob = p.string('glob');
  if (!glob.startsWith('/')) p.fail('glob', `must start with "/" (e.g. "/" or "/*"), not ${JSON.stringify(glob)}`);
  const name = p.string('name', repo);
  const branch: BranchName = p.has('branch') ? named(p, 'branch', parseBranchName) : DEFAULT_BRANCH;
  const spec: PfsInputSpec = { name, repo: repo as RepoName, branch, glob, lazy: p.bool('lazy'), emptyFiles: p.bool('empty_files'), outerJoin: p.bool('outer_join') };
  if (!INPUT_NAME.test(name) || name.length > 63) p.fail('name', `must be letters, digits, "_" and "-" (it becomes /pfs/${name}), not ${JSON.stringify(name)}`);
  if (name === 'out') p.fail('name', 'must not be "out": /pfs/out is the output directory');
  if (p.has('join_on')) {
    if (parent !== 'join') p.fail('join_on', 'is only allowed on a pfs input inside "join"');
    spec.joinOn = p.string('join_on');
  } else if (parent === 'join') p.fail('join_on', 'is required for every pfs input inside "join" (e.g. "$1")');
  if (spec.outerJoin && parent !== 'join') p.fail('outer_join', 'is only allowed on a pfs input inside "join"');
  if (p.has('group_by')) {
    if (parent !== 'group') p.fail('group_by', 'is only allowed on a pfs input inside "group"');
    spec.groupBy = p.string('group_by');
  } else if (parent === 'group') p.fail('group_by', 'is required for every pfs input inside "group" (e.g. "$1")');
  for (const key of [spec.joinOn, spec.groupBy]) {
    if (key !== undefined && !/\$\d/.test(key)) p.fail(spec.joinOn === key ? 'join_on' : 'group_by', `must refer to a ( ) capture of the glob, e.g. "$1", not ${JSON.stringify(key)}`);
  }
  p.done();
  return spec;
}

function parseCron(c: SpecReader, pipeline: string): CronInputSpec {
  const name = c.string('name');
  if (!INPUT_NAME.test(name)) c.fail('name', `must be letters, digits, "_" and "-", not ${JSON.stringify(name)}`);
  const spec = c.string('spec');
  const why = checkCronSpec(spec);
  if (why) c.fail('spec', `must be a cron expression ("*/10 * * * *"), a macro ("@hourly") or "@every 1m": ${why}`);
  const repo = c.has('repo') ? named(c, 'repo', parseRepoName) : named(new SpecReader({ repo: `${pipeline}_${name}` }, c.at), 'repo', parseRepoName);
  c.raw('start'); // Pachyderm's first tick time: ticks here start when the pipeline does
  const out = { name, spec, repo, overwrite: c.bool('overwrite') };
  c.done();
  return out;
}

/** Input names must be unique, except among the members of one union (which fill the same /pfs/<name>). */
function checkInputNames(input: InputSpec): void {
  const names = (i: InputSpec): string[] => {
    switch (i.kind) {
      case 'pfs':
        return [i.pfs.name];
      case 'cron':
        return [i.cron.name];
      case 'union':
        return [...new Set(i.inputs.flatMap(names))];
      default: {
        const all = i.inputs.map(names);
        const seen = new Set<string>();
        for (const n of all.flat()) {
          if (seen.has(n)) throw specError('input', `names input "${n}" twice; give each input of a ${i.kind} its own "name" (it becomes /pfs/<name>)`);
          seen.add(n);
        }
        return [...seen];
      }
    }
  };
  names(input);
}

/** Every pfs input of the tree, depth first. */
export function pfsInputs(input: InputSpec): PfsInputSpec[] {
  if (input.kind === 'pfs') return [input.pfs];
  if (input.kind === 'cron') return [cronAsPfs(input.cron)];
  return input.inputs.flatMap(pfsInputs);
}

/** A cron input reads its tick repo like a pfs input: one datum per tick file. */
export function cronAsPfs(c: CronInputSpec): PfsInputSpec {
  return { name: c.name, repo: c.repo, branch: DEFAULT_BRANCH, glob: '/*', lazy: false, emptyFiles: false, outerJoin: false };
}

export function cronInputs(input: InputSpec): CronInputSpec[] {
  if (input.kind === 'cron') return [input.cron];
  if (input.kind === 'pfs') return [];
  return input.inputs.flatMap(cronInputs);
}

/** Canonical JSON (sorted keys): equal values give equal text, hence equal hashes. */
export function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  if (isObject(v)) {
    return `{${Object.keys(v)
      .filter((k) => v[k] !== undefined)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson(v[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v);
}

/** What a datum's hash covers of the code: a changed transform means different outputs. */
export function transformHash(t: TransformSpec): string {
  return createHash('sha256').update(canonicalJson(t)).digest('hex');
}
