// Who may call what: the access policy of every PfsService and PpsService
// method (guard.ts applies it). Reads need reader on the repo, writes
// writer, deleting a repo owner, fsck and GC cluster admin; lists show only
// the repos (pipelines, jobs) the caller may read. test/e2e/auth-*.test.ts
// checks that every method of every service has an entry.
import { allows, SYSTEM, type Identity } from '../../src/auth/index.ts';
import type { RepoName } from '../../src/ids.ts';
import { cronInputs, parsePipelineSpec, pfsInputs } from '../../src/pps/spec.ts';
import type { Check, MethodPolicy, Policies } from './guard.ts';
import { refRepoField, repoField } from './parse.ts';

type Req = Record<string, unknown>;
const str = (req: Req, key: string): string => (typeof req[key] === 'string' ? (req[key] as string) : '');
const list = (req: Req, key: string): string[] => (Array.isArray(req[key]) ? (req[key] as string[]) : []);

/** `action` on the repo of the ref in request field `key` (proto name `field` for errors). */
function onRef(action: Check['action'], key: string, field = key): (req: Req) => Check[] {
  return (req) => [{ action, repo: refRepoField(field, str(req, key)) }];
}

function onRepo(action: Check['action'], key: string): (req: Req) => Check[] {
  return (req) => [{ action, repo: repoField(key, str(req, key)) }];
}

/** `read` on every ref of a repeated field (provenance), plus `read` on an optional ref. */
function readsOf(req: Req, key: string, optional?: string): Check[] {
  const refs = list(req, key).map((p, i): Check => ({ action: 'read', repo: refRepoField(`${key}[${i}]`, p) }));
  const extra = optional && str(req, optional) ? [{ action: 'read' as const, repo: refRepoField(optional, str(req, optional)) }] : [];
  return [...refs, ...extra];
}

const read = (key: string, field?: string): MethodPolicy<Req> => ({ checks: onRef('read', key, field) });
const write = (key: string, field?: string): MethodPolicy<Req> => ({ checks: onRef('write', key, field), audit: true });
const admin: MethodPolicy<Req> = { checks: () => [{ action: 'admin' }], audit: true };
const signedIn: MethodPolicy<Req> = { checks: () => [{ action: 'authenticated' }] };

const readable = (identity: Identity) => (name: unknown): boolean => typeof name === 'string' && allows(identity, 'read', name as RepoName);

export const PFS_POLICIES: Policies = {
  CreateRepo: {
    checks: (req: Req) => [{ action: 'create', repo: repoField('name', str(req, 'name')) }],
    audit: true,
    after: (req: Req, identity, auth) => auth.repoCreated(identity, repoField('name', str(req, 'name'))),
  },
  InspectRepo: { checks: onRepo('read', 'name') },
  ListRepo: {
    checks: () => [{ action: 'authenticated' }],
    filter: (res: { repos: { name: string }[] }, identity) => ({ ...res, repos: res.repos.filter((r) => readable(identity)(r.name)) }),
  },
  DeleteRepo: { checks: onRepo('own', 'name'), audit: true, after: (req: Req, _identity, auth) => auth.repoDeleted(repoField('name', str(req, 'name'))) },
  CreateBranch: { checks: (req: Req) => [...onRef('write', 'branch')(req), ...readsOf(req, 'provenance', 'from')], audit: true },
  InspectBranch: read('branch'),
  ListBranch: { checks: onRepo('read', 'repo') },
  DeleteBranch: write('branch'),
  ResetBranch: { checks: (req: Req) => [...onRef('write', 'branch')(req), ...onRef('read', 'to')(req)], audit: true },
  CreateTag: { checks: (req: Req) => [...onRef('write', 'tag')(req), ...onRef('read', 'ref')(req)], audit: true },
  InspectTag: read('tag'),
  ListTag: { checks: onRepo('read', 'repo') },
  DeleteTag: write('tag'),
  StartCommit: { checks: (req: Req) => [...onRef('write', 'branch')(req), ...readsOf(req, 'provenance')], audit: true },
  FinishCommit: write('commit'),
  InspectCommit: read('commit'),
  ListCommit: { checks: (req: Req) => [...onRef('read', 'ref')(req), ...(str(req, 'to') ? onRef('read', 'to')(req) : [])] },
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
    checks: (req: Req) => {
      const named = [...(str(req, 'file') ? onRef('read', 'file')(req) : []), ...readsOf(req, 'files')];
      return named.length > 0 ? named : [{ action: 'authenticated' }];
    },
  },
  GetFile: read('file'),
  GetTar: read('ref'),
  InspectFile: read('file'),
  ListFile: read('dir'),
  WalkFile: read('dir'),
  GlobFile: read('ref'),
  DiffFile: { checks: (req: Req) => [...onRef('read', 'newRef', 'new_ref')(req), ...(str(req, 'oldRef') ? onRef('read', 'oldRef', 'old_ref')(req) : [])] },
  Fsck: admin,
  GarbageCollect: admin,
  GetServerInfo: { checks: () => [], open: true },
};

/** A pipeline is named after its output repo: reading it is reading that repo. */
const pipelineRead: MethodPolicy<Req> = { checks: onRepo('read', 'pipeline') };
const byName = (action: Check['action']): MethodPolicy<Req> => ({ checks: onRepo(action, 'name'), audit: action !== 'read' });

/** Creating a pipeline: own its output repo (or create it), read every input. */
function createPipelineChecks(req: Req): Check[] {
  const spec = parsePipelineSpec(str(req, 'specJson'));
  const crons = new Set(cronInputs(spec.input).map((c) => c.repo));
  return [
    { action: 'own', repo: spec.name, orCreate: true },
    ...pfsInputs(spec.input).map((i): Check => (crons.has(i.repo) ? { action: 'own', repo: i.repo, orCreate: true } : { action: 'read', repo: i.repo })),
  ];
}

export const PPS_POLICIES: Policies = {
  CreatePipeline: {
    checks: createPipelineChecks,
    audit: true,
    // The creator owns the output repo the pipeline made (unless someone else already did).
    after: async (req: Req, identity, auth) => {
      const name = parsePipelineSpec(str(req, 'specJson')).name;
      if (!allows(identity, 'own', name)) await auth.setRole(SYSTEM, name, identity.subject, 'owner');
    },
  },
  InspectPipeline: byName('read'),
  ListPipeline: {
    checks: () => [{ action: 'authenticated' }],
    filter: (res: { pipelines: { name: string }[] }, identity) => ({ ...res, pipelines: res.pipelines.filter((p) => readable(identity)(p.name)) }),
  },
  DeletePipeline: {
    ...byName('own'),
    after: async (req: Req, _identity, auth) => {
      if (req.keepRepo !== true) await auth.repoDeleted(repoField('name', str(req, 'name')));
    },
  },
  StopPipeline: byName('write'),
  StartPipeline: byName('write'),
  ListJob: {
    checks: (req: Req) => (str(req, 'pipeline') ? onRepo('read', 'pipeline')(req) : [{ action: 'authenticated' }]),
    filter: (res: { jobs: { pipeline: string }[] }, identity) => ({ ...res, jobs: res.jobs.filter((j) => readable(identity)(j.pipeline)) }),
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
