// Who may call what: the access policy of every PfsService and PpsService
// method (guard.ts applies it). Reads need reader on the repo, writes
// writer, deleting a repo owner, fsck and GC cluster admin; lists show only
// the repos (pipelines, jobs) the caller may read. test/e2e/auth-*.test.ts
// checks that every method of every service has an entry.
import type { PfsServiceDefinition } from '../../proto/generated/strata/pfs/v1/PfsService.ts';
import type { PpsServiceDefinition } from '../../proto/generated/strata/pps/v1/PpsService.ts';
import { allows, SYSTEM, type Identity } from '../../src/auth/index.ts';
import type { RepoName } from '../../src/ids.ts';
import { cronInputs, parsePipelineSpec, pfsInputs } from '../../src/pps/spec.ts';
import type { Check, MethodPolicy, Policies, PolicyTable } from './guard.ts';
import { refRepoField, repoField } from './parse.ts';

/** A request with the fields K (as the handler receives it: decoded, defaults filled). */
type With<K extends string, V = string> = { readonly [P in K]: V };

/** `action` on the repo of the ref in request field `key` (proto name `field` for errors). */
function onRef<K extends string>(action: Check['action'], key: K, field: string = key): (req: With<K>) => Check[] {
  return (req) => [{ action, repo: refRepoField(field, req[key]) }];
}

function onRepo<K extends string>(action: Check['action'], key: K): (req: With<K>) => Check[] {
  return (req) => [{ action, repo: repoField(key, req[key]) }];
}

/** `read` on every ref of a repeated field (provenance). */
function readsOf<K extends string>(req: With<K, readonly string[]>, key: K): Check[] {
  return req[key].map((p, i): Check => ({ action: 'read', repo: refRepoField(`${key}[${i}]`, p) }));
}

/** `read` on the ref in field `key` when it is set. */
function readIfSet<K extends string>(req: With<K>, key: K, field: string = key): Check[] {
  return req[key] ? onRef('read', key, field)(req) : [];
}

const read = <K extends string>(key: K, field?: string): MethodPolicy<With<K>> => ({ checks: onRef('read', key, field) });
const write = <K extends string>(key: K, field?: string): MethodPolicy<With<K>> => ({ checks: onRef('write', key, field), audit: true });
const admin: MethodPolicy<unknown> = { checks: () => [{ action: 'admin' }], audit: true };
const signedIn: MethodPolicy<unknown> = { checks: () => [{ action: 'authenticated' }] };

const readable = (identity: Identity) => (name: unknown): boolean => typeof name === 'string' && allows(identity, 'read', name as RepoName);

const PFS: PolicyTable<PfsServiceDefinition> = {
  CreateRepo: {
    checks: (req) => [{ action: 'create', repo: repoField('name', req.name) }],
    audit: true,
    after: (req, identity, auth) => auth.repoCreated(identity, repoField('name', req.name)),
  },
  InspectRepo: { checks: onRepo('read', 'name') },
  ListRepo: {
    checks: () => [{ action: 'authenticated' }],
    filter: (res, identity) => ({ ...res, repos: res.repos?.filter((r) => readable(identity)(r.name)) }),
  },
  DeleteRepo: { checks: onRepo('own', 'name'), audit: true, after: (req, _identity, auth) => auth.repoDeleted(repoField('name', req.name)) },
  CreateBranch: { checks: (req) => [...onRef('write', 'branch')(req), ...readsOf(req, 'provenance'), ...readIfSet(req, 'from')], audit: true },
  InspectBranch: read('branch'),
  ListBranch: { checks: onRepo('read', 'repo') },
  DeleteBranch: write('branch'),
  ResetBranch: { checks: (req) => [...onRef('write', 'branch')(req), ...onRef('read', 'to')(req)], audit: true },
  CreateTag: { checks: (req) => [...onRef('write', 'tag')(req), ...onRef('read', 'ref')(req)], audit: true },
  InspectTag: read('tag'),
  ListTag: { checks: onRepo('read', 'repo') },
  DeleteTag: write('tag'),
  StartCommit: { checks: (req) => [...onRef('write', 'branch')(req), ...readsOf(req, 'provenance')], audit: true },
  FinishCommit: write('commit'),
  InspectCommit: read('commit'),
  ListCommit: { checks: (req) => [...onRef('read', 'ref')(req), ...readIfSet(req, 'to')] },
  WaitCommit: read('commit'),
  SubscribeCommit: read('branch'),
  SquashCommit: write('commit'),
  DropCommit: write('commit'),
  ListSubvenance: read('commit'),
  // The target (write) and every copy's source (read) are checked by the handler as they arrive.
  ModifyFile: { checks: () => [{ action: 'authenticated' }], audit: true },
  // Chunks belong to no repo and a hash is no secret: storing needs a token; reading needs reader on
  // the repo of the file the request names, and the handler checks that every chunk is one of that
  // file's (chunks.ts; admins may leave the file out). MissingChunks answers non-admins as if the
  // store held nothing (docs/security.md, "Chunks").
  UploadChunks: signedIn,
  MissingChunks: signedIn,
  GetChunks: {
    checks: (req) => {
      const named = [...readIfSet(req, 'file'), ...readsOf(req, 'files')];
      return named.length > 0 ? named : [{ action: 'authenticated' }];
    },
  },
  GetFile: read('file'),
  GetTar: read('ref'),
  InspectFile: read('file'),
  ListFile: read('dir'),
  WalkFile: read('dir'),
  GlobFile: read('ref'),
  DiffFile: { checks: (req) => [...onRef('read', 'newRef', 'new_ref')(req), ...readIfSet(req, 'oldRef', 'old_ref')] },
  Fsck: admin,
  GarbageCollect: admin,
  GetServerInfo: { checks: () => [], open: true },
};

/** A pipeline is named after its output repo: reading it is reading that repo. */
const pipelineRead: MethodPolicy<With<'pipeline'>> = { checks: onRepo('read', 'pipeline') };
const byName = (action: Check['action']): MethodPolicy<With<'name'>> => ({ checks: onRepo(action, 'name'), audit: action !== 'read' });

/** Creating a pipeline: own its output repo (or create it), read every input. */
function createPipelineChecks(req: With<'specJson'>): Check[] {
  const spec = parsePipelineSpec(req.specJson);
  const crons = new Set(cronInputs(spec.input).map((c) => c.repo));
  return [
    { action: 'own', repo: spec.name, orCreate: true },
    ...pfsInputs(spec.input).map((i): Check => (crons.has(i.repo) ? { action: 'own', repo: i.repo, orCreate: true } : { action: 'read', repo: i.repo })),
  ];
}

const PPS: PolicyTable<PpsServiceDefinition> = {
  CreatePipeline: {
    checks: createPipelineChecks,
    audit: true,
    // The creator owns the output repo the pipeline made (unless someone else already did).
    after: async (req, identity, auth) => {
      const name = parsePipelineSpec(req.specJson).name;
      if (!allows(identity, 'own', name)) await auth.setRole(SYSTEM, name, identity.subject, 'owner');
    },
  },
  InspectPipeline: byName('read'),
  ListPipeline: {
    checks: () => [{ action: 'authenticated' }],
    filter: (res, identity) => ({ ...res, pipelines: res.pipelines?.filter((p) => readable(identity)(p.name)) }),
  },
  DeletePipeline: {
    ...byName('own'),
    after: async (req, _identity, auth) => {
      if (!req.keepRepo) await auth.repoDeleted(repoField('name', req.name));
    },
  },
  StopPipeline: byName('write'),
  StartPipeline: byName('write'),
  ListJob: {
    checks: (req) => (req.pipeline ? onRepo('read', 'pipeline')(req) : [{ action: 'authenticated' }]),
    filter: (res, identity) => ({ ...res, jobs: res.jobs?.filter((j) => readable(identity)(j.pipeline)) }),
  },
  InspectJob: pipelineRead,
  WaitJob: pipelineRead,
  StopJob: { checks: onRepo('write', 'pipeline'), audit: true },
  RerunJob: { checks: onRepo('write', 'pipeline'), audit: true },
  ListDatum: pipelineRead,
  InspectDatum: pipelineRead,
  GetLogs: pipelineRead,
  Explain: read('file'),
};

/** Every PfsService and PpsService method's policy; the tables above make the compiler refuse a missing or misspelt method, or a field the request lacks. */
export const PFS_POLICIES: Policies = PFS;
export const PPS_POLICIES: Policies = PPS;
