// THE key layout of the metadata store, for the whole project, in one file.
// Nothing else builds or parses MetaStore keys. Values are encoded by
// records.ts unless noted.
//
//   meta/version                                   -> MetaVersionRecord: layout version of this store
//   repo/<repo>                                    -> RepoRecord
//   branch/<repo>/<branch>                         -> BranchRecord (head, provenance)
//   tag/<repo>/<tag>                               -> TagRecord: an immutable name for one commit
//   commit/<repo>/<commitId>                       -> CommitRecord
//   child/<repo>/<parentId>/<childId>              -> empty: parent -> child edge (log, squash, drop)
//   subv-commit/<upRepo>/<upId>/<repo>/<commitId>  -> empty: reverse commit provenance edge
//                                                     ("commit <repo>/<commitId> was made from <upRepo>/<upId>")
//   subv-branch/<upRepo>/<upBranch>/<repo>/<branch> -> empty: reverse branch provenance edge
//   stage/<repo>/<commitId><encoded path>          -> a staged change of an open commit; the value is
//                                                     pfs's staging entry (encoded by src/pfs)
//   stage/<repo>/<commitId><encoded dir>\u0001     -> a staged change of a whole directory (stageDirKey)
//   upload/<repo>/<uploadId>                       -> a multipart upload in progress (encoded by src/pfs/uploads.ts)
//   upload-part/<repo>/<uploadId>/<part, 5 digits> -> one durable part of it: its chunk refs (src/pfs/uploads.ts)
//   upload-done/<repo>/<uploadId>                  -> a completed upload: the commit it made, for a retried completion
//   finishing/<repo>/<commitId>                    -> JSON {owner, until}: a server is finishing this open commit;
//                                                     staging writes into it wait (src/pfs/commits.ts)
//   turn/<repo>/<branch>                           -> opaque: the server whose one-off commit on the branch is being built
//                                                     (bound to that server's etcd lease; src/pfs/branch-turn.ts)
//   gc/lock                                        -> JSON {owner, until}: the one garbage collection running (src/pfs/gc-fence.ts)
//   gc/sweeping                                    -> JSON {owner, until}: a sweep is deleting; writes that refer to chunks wait
//   gc/generation                                  -> decimal: bumped by every sweep; writers condition on the value they read
//   pps-pipeline/<pipeline>                         -> PipelineRecord (src/pps/records.ts)
//   pps-spec/<pipeline>/<version, 10 digits>        -> SpecRecord: every version of a pipeline's spec
//   pps-job/<pipeline>/<jobId>                      -> JobRecord
//   pps-job-index/<pipeline>                        -> "1": the three job indexes below are complete for the pipeline
//   pps-job-time/<pipeline>/<createdAt, 16 digits>/<jobId> -> empty: jobs in creation order (newest = last key)
//   pps-job-open/<pipeline>/<jobId>                 -> empty: a job not yet in a terminal state
//   pps-job-inputs/<pipeline>/<sha-256 of spec version and input commits> -> job id: the newest job (not
//                                                     unrunnable) on exactly these inputs at that spec version
//   pps-datum/<pipeline>/<jobId>/<datumId>          -> DatumRecord: one datum of one job (processed or skipped)
//   pps-skipped/<pipeline>/<jobId>/<batch id>       -> SkippedBatchRecord: skipped datums of a job, up to 500 a key
//   pps-done/<pipeline>/<datumHash>                 -> DoneRecord: a datum hash processed successfully, with its outputs
//   pps-log/<pipeline>/<jobId>/<datumId>            -> LogRecord: the datum's log (every try)
//   auth/config                                     -> AuthConfigRecord: present once auth is active (src/auth/records.ts)
//   auth/version                                    -> random bytes, rewritten after every auth change (the auth cache's check)
//   auth/token/<sha-256 hex of the token>           -> TokenRecord: who the token is, its expiry
//   auth/admin/<subject>                            -> RoleRecord: a cluster admin
//   auth/role/<repo>/<subject>                      -> RoleRecord: the subject's role on the repo
//   auth/grant/<subject>/<repo>                     -> RoleRecord: the same, indexed by subject (written together)
//   audit/<time, 13 digits>/<random hex>            -> AuditRecord: one audited call (src/auth/records.ts)
//
// Subjects are `user:NAME` or `robot:NAME` (src/auth/subject.ts): no `/`.
// Repo and branch names and commit ids cannot contain `/`, so `/` separates
// components without escaping and `<ns>/<repo>/` prefixes never match
// another repo. Keys are compared as UTF-8 bytes.
//
// Paths are encoded with each `/` replaced by U+0001 (paths cannot contain
// control characters, so this is reversible). U+0001 sorts below every
// character a path may hold, so the byte order of encoded paths is the
// component-wise path order of comparePaths (ids.ts): a directory's subtree
// directly follows it, `/a` < `/a/z` < `/a.txt`. The root `/` encodes as
// "\u0001", `/a/b` as "\u0001a\u0001b".
import { StrataError } from '../errors/index.ts';
import {
  parseBranchName,
  parseCommitId,
  parsePath,
  parseRepoName,
  quoteInput,
  ROOT_PATH,
  type BranchName,
  type CommitId,
  type FilePath,
  type RepoName,
} from '../ids.ts';

export const META_VERSION_KEY = 'meta/version';
/** The layout this file describes; stored under META_VERSION_KEY. */
export const META_LAYOUT_VERSION = 1;

export const REPO_PREFIX = 'repo/';

export const PATH_SEPARATOR_IN_KEY = '\u0001';

export function repoKey(repo: RepoName): string {
  return `repo/${repo}`;
}

export function branchKey(repo: RepoName, branch: BranchName): string {
  return `branch/${repo}/${branch}`;
}

/** All branches of one repo. */
export function branchPrefix(repo: RepoName): string {
  return `branch/${repo}/`;
}

/** Tag names follow the rules of branch names (parseBranchName). */
export function tagKey(repo: RepoName, tag: BranchName): string {
  return `tag/${repo}/${tag}`;
}

/** All tags of one repo. */
export function tagPrefix(repo: RepoName): string {
  return `tag/${repo}/`;
}

export function commitKey(repo: RepoName, id: CommitId): string {
  return `commit/${repo}/${id}`;
}

/** All commits of one repo (in id order, which is random, not time order). */
export function commitPrefix(repo: RepoName): string {
  return `commit/${repo}/`;
}

export function childKey(repo: RepoName, parent: CommitId, child: CommitId): string {
  return `child/${repo}/${parent}/${child}`;
}

/** All children of one commit. */
export function childPrefix(repo: RepoName, parent: CommitId): string {
  return `child/${repo}/${parent}/`;
}

export interface CommitAddress {
  repo: RepoName;
  commit: CommitId;
}

export interface BranchAddress {
  repo: RepoName;
  branch: BranchName;
}

/** Edge stored under the upstream commit: `down` has `up` in its provenance. */
export function commitSubvenanceKey(up: CommitAddress, down: CommitAddress): string {
  return `subv-commit/${up.repo}/${up.commit}/${down.repo}/${down.commit}`;
}

/** Every commit made from `up`. */
export function commitSubvenancePrefix(up: CommitAddress): string {
  return `subv-commit/${up.repo}/${up.commit}/`;
}

/** Edge stored under the upstream branch: `down` has `up` in its provenance. */
export function branchSubvenanceKey(up: BranchAddress, down: BranchAddress): string {
  return `subv-branch/${up.repo}/${up.branch}/${down.repo}/${down.branch}`;
}

/** Every branch whose provenance includes `up`. */
export function branchSubvenancePrefix(up: BranchAddress): string {
  return `subv-branch/${up.repo}/${up.branch}/`;
}

/** Every reverse provenance edge whose upstream is in `repo` (e.g. to refuse deleting it). */
export function repoSubvenancePrefixes(repo: RepoName): string[] {
  return [`subv-commit/${repo}/`, `subv-branch/${repo}/`];
}

/** `/a/b` -> "\u0001a\u0001b": byte order of the result is path order. */
export function encodePathForKey(path: FilePath): string {
  return path === ROOT_PATH ? PATH_SEPARATOR_IN_KEY : path.replaceAll('/', PATH_SEPARATOR_IN_KEY);
}

export function decodePathFromKey(encoded: string): FilePath {
  if (!encoded.startsWith(PATH_SEPARATOR_IN_KEY)) throw corruptKey(encoded, 'an encoded path must start with U+0001');
  const path = asCorrupt(encoded, () => parsePath(encoded.replaceAll(PATH_SEPARATOR_IN_KEY, '/')));
  // parsePath normalises; a stored path must already be normal.
  if (encodePathForKey(path) !== encoded) throw corruptKey(encoded, 'the encoded path is not normalised');
  return path;
}

export function stageKey(repo: RepoName, commit: CommitId, path: FilePath): string {
  return `stage/${repo}/${commit}${encodePathForKey(path)}`;
}

/**
 * The staged delete of a whole directory (`delete /a/`): the directory's
 * encoded path plus one more separator. It sorts after the entry of a file at
 * the same path and before everything under it, so applied in key order a
 * directory delete comes before later writes inside it; no file path encodes
 * to it. The root's is the root entry itself (the root is always a directory).
 * It equals stageSubtreePrefix(dir).
 */
export function stageDirKey(repo: RepoName, commit: CommitId, dir: FilePath): string {
  return dir === ROOT_PATH ? stageKey(repo, commit, dir) : `${stageKey(repo, commit, dir)}${PATH_SEPARATOR_IN_KEY}`;
}

/** Every staged entry of one open commit, in path order (the root entry first). */
export function stagePrefix(repo: RepoName, commit: CommitId): string {
  return `stage/${repo}/${commit}`;
}

/**
 * Staged entries below `dir` (and its stageDirKey entry, which equals this
 * prefix), in path order. For the root: every entry of the commit.
 */
export function stageSubtreePrefix(repo: RepoName, commit: CommitId, dir: FilePath): string {
  const encoded = encodePathForKey(dir);
  return dir === ROOT_PATH ? `${stagePrefix(repo, commit)}${encoded}` : `${stagePrefix(repo, commit)}${encoded}${PATH_SEPARATOR_IN_KEY}`;
}

/** Every prefix under which a repo keeps data, for deleting a repo whole (reverse edges excluded). */
export function repoDataPrefixes(repo: RepoName): string[] {
  return [branchPrefix(repo), tagPrefix(repo), `commit/${repo}/`, `child/${repo}/`, `stage/${repo}/`, `finishing/${repo}/`, `upload/${repo}/`, `upload-part/${repo}/`, `upload-done/${repo}/`];
}

/** Upload ids are 32 lower-case hex digits, made by src/pfs/uploads.ts. */
export function uploadKey(repo: RepoName, upload: string): string {
  return `upload/${repo}/${upload}`;
}

/** All uploads in progress of one repo. */
export function uploadPrefix(repo: RepoName): string {
  return `upload/${repo}/`;
}

/** Part numbers are 1..10000, zero-padded so key order is part order. */
export function uploadPartKey(repo: RepoName, upload: string, part: number): string {
  return `upload-part/${repo}/${upload}/${String(part).padStart(5, '0')}`;
}

export function uploadPartPrefix(repo: RepoName, upload: string): string {
  return `upload-part/${repo}/${upload}/`;
}

/** The record a completed upload leaves (src/pfs/uploads.ts), pruned after the upload expiry. */
export function uploadDoneKey(repo: RepoName, upload: string): string {
  return `upload-done/${repo}/${upload}`;
}

/** Every completion record in every repo (the expiry sweep). */
export const UPLOAD_DONE_PREFIX = 'upload-done/';

/** Every upload in progress in every repo (the expiry sweep). */
export const UPLOAD_PREFIX = 'upload/';

/** Every part of every upload, for the GC mark phase. */
export const UPLOAD_PART_PREFIX = 'upload-part/';

export function parseUploadKey(key: string): { repo: RepoName; upload: string } {
  const [repo, upload] = split(key, 'upload', 2);
  return asCorrupt(key, () => ({ repo: parseRepoName(repo!), upload: upload! }));
}

export function parseUploadPartKey(key: string): { repo: RepoName; upload: string; part: number } {
  const [repo, upload, part] = split(key, 'upload-part', 3);
  return asCorrupt(key, () => ({ repo: parseRepoName(repo!), upload: upload!, part: Number(part) }));
}

// ---- pipelines (src/pps): pipeline names are repo names; job, datum ids and hashes are hex ----

export const PPS_PIPELINE_PREFIX = 'pps-pipeline/';

export function ppsPipelineKey(pipeline: RepoName): string {
  return `${PPS_PIPELINE_PREFIX}${pipeline}`;
}

export function ppsSpecKey(pipeline: RepoName, version: number): string {
  return `pps-spec/${pipeline}/${String(version).padStart(10, '0')}`;
}

export function ppsJobKey(pipeline: RepoName, job: string): string {
  return `pps-job/${pipeline}/${job}`;
}

export function ppsJobPrefix(pipeline: RepoName): string {
  return `pps-job/${pipeline}/`;
}

export function ppsJobIndexedKey(pipeline: RepoName): string {
  return `pps-job-index/${pipeline}`;
}

export function ppsJobTimeKey(pipeline: RepoName, createdAt: number, job: string): string {
  return `${ppsJobTimePrefix(pipeline)}${String(createdAt).padStart(16, '0')}/${job}`;
}

export function ppsJobTimePrefix(pipeline: RepoName): string {
  return `pps-job-time/${pipeline}/`;
}

export function ppsJobOpenKey(pipeline: RepoName, job: string): string {
  return `${ppsJobOpenPrefix(pipeline)}${job}`;
}

export function ppsJobOpenPrefix(pipeline: RepoName): string {
  return `pps-job-open/${pipeline}/`;
}

export function ppsJobInputsKey(pipeline: RepoName, inputsHash: string): string {
  return `pps-job-inputs/${pipeline}/${inputsHash}`;
}

export function ppsDatumKey(pipeline: RepoName, job: string, datum: string): string {
  return `pps-datum/${pipeline}/${job}/${datum}`;
}

export function ppsDatumPrefix(pipeline: RepoName, job: string): string {
  return `pps-datum/${pipeline}/${job}/`;
}

export function ppsSkippedKey(pipeline: RepoName, job: string, batch: string): string {
  return `pps-skipped/${pipeline}/${job}/${batch}`;
}

export function ppsSkippedPrefix(pipeline: RepoName, job: string): string {
  return `pps-skipped/${pipeline}/${job}/`;
}

/** Every pipeline's processed-datum index (GC keeps the chunks of the outputs it names). */
export const PPS_DONE_ROOT = 'pps-done/';

export function ppsDoneKey(pipeline: RepoName, datumHash: string): string {
  return `pps-done/${pipeline}/${datumHash}`;
}

export function ppsDonePrefix(pipeline: RepoName): string {
  return `pps-done/${pipeline}/`;
}

export function ppsLogKey(pipeline: RepoName, job: string, datum: string): string {
  return `pps-log/${pipeline}/${job}/${datum}`;
}

export function ppsLogPrefix(pipeline: RepoName, job?: string): string {
  return job === undefined ? `pps-log/${pipeline}/` : `pps-log/${pipeline}/${job}/`;
}

/** Everything a pipeline keeps, for deleting it whole. */
export function ppsPipelinePrefixes(pipeline: RepoName): string[] {
  return [`pps-spec/${pipeline}/`, ppsJobPrefix(pipeline), ppsJobTimePrefix(pipeline), ppsJobOpenPrefix(pipeline), `pps-job-inputs/${pipeline}/`, `pps-datum/${pipeline}/`, `pps-skipped/${pipeline}/`, ppsDonePrefix(pipeline), ppsLogPrefix(pipeline)];
}

/** The last component of a pps key (a job id, datum id or hash). */
export function lastKeyComponent(key: string): string {
  return key.slice(key.lastIndexOf('/') + 1);
}

// ---- parsing keys back (keys come from our own scans: a bad one is corruption) ----

export function parseRepoKey(key: string): RepoName {
  const [repo] = split(key, 'repo', 1);
  return asCorrupt(key, () => parseRepoName(repo!));
}

export function parseBranchKey(key: string): BranchAddress {
  const [repo, branch] = split(key, 'branch', 2);
  return asCorrupt(key, () => ({ repo: parseRepoName(repo!), branch: parseBranchName(branch!) }));
}

export function parseTagKey(key: string): { repo: RepoName; tag: BranchName } {
  const [repo, tag] = split(key, 'tag', 2);
  return asCorrupt(key, () => ({ repo: parseRepoName(repo!), tag: parseBranchName(tag!) }));
}

export function parseCommitKey(key: string): CommitAddress {
  const [repo, commit] = split(key, 'commit', 2);
  return asCorrupt(key, () => ({ repo: parseRepoName(repo!), commit: parseCommitId(commit!) }));
}

export function parseChildKey(key: string): { repo: RepoName; parent: CommitId; child: CommitId } {
  const [repo, parent, child] = split(key, 'child', 3);
  return asCorrupt(key, () => ({ repo: parseRepoName(repo!), parent: parseCommitId(parent!), child: parseCommitId(child!) }));
}

export function parseCommitSubvenanceKey(key: string): { up: CommitAddress; down: CommitAddress } {
  const [upRepo, upCommit, repo, commit] = split(key, 'subv-commit', 4);
  return asCorrupt(key, () => ({
    up: { repo: parseRepoName(upRepo!), commit: parseCommitId(upCommit!) },
    down: { repo: parseRepoName(repo!), commit: parseCommitId(commit!) },
  }));
}

export function parseBranchSubvenanceKey(key: string): { up: BranchAddress; down: BranchAddress } {
  const [upRepo, upBranch, repo, branch] = split(key, 'subv-branch', 4);
  return asCorrupt(key, () => ({
    up: { repo: parseRepoName(upRepo!), branch: parseBranchName(upBranch!) },
    down: { repo: parseRepoName(repo!), branch: parseBranchName(branch!) },
  }));
}

/** `dir` is true for a stageDirKey (the root's entry counts as one). */
/** `dir` is true for a stageDirKey entry (and for the root, which is always a directory). */
export function parseStageKey(key: string): { repo: RepoName; commit: CommitId; path: FilePath; dir: boolean } {
  const [repo, rest] = split(key, 'stage', 2);
  const at = rest!.indexOf(PATH_SEPARATOR_IN_KEY);
  if (at < 0) throw corruptKey(key, 'a stage key needs an encoded path');
  let encoded = rest!.slice(at);
  const dir = encoded.endsWith(PATH_SEPARATOR_IN_KEY);
  if (dir && encoded.length > 1) encoded = encoded.slice(0, -1);
  return asCorrupt(key, () => ({
    repo: parseRepoName(repo!),
    commit: parseCommitId(rest!.slice(0, at)),
    path: decodePathFromKey(encoded),
    dir,
  }));
}

/** Splits `<ns>/<p1>/.../<pn>`; the last part keeps any further `/` (checked by its parser). */
function split(key: string, namespace: string, parts: number): string[] {
  if (!key.startsWith(`${namespace}/`)) throw corruptKey(key, `expected a "${namespace}/" key`);
  const fields = key.slice(namespace.length + 1).split('/');
  if (fields.length < parts) throw corruptKey(key, `expected ${parts} components after "${namespace}/"`);
  return [...fields.slice(0, parts - 1), fields.slice(parts - 1).join('/')];
}

function asCorrupt<T>(key: string, parse: () => T): T {
  try {
    return parse();
  } catch (err) {
    throw corruptKey(key, err instanceof Error ? err.message : String(err), err);
  }
}

function corruptKey(key: string, detail: string, cause?: unknown): StrataError {
  return new StrataError('META_CORRUPT', `corrupt metadata key ${quoteInput(key)}: ${detail}`, { key }, { cause });
}

/** Garbage collection across servers sharing one store (see src/pfs/gc-fence.ts). */
export const GC_LOCK_KEY = 'gc/lock';
export const GC_SWEEPING_KEY = 'gc/sweeping';
export const GC_GENERATION_KEY = 'gc/generation';

export const TURN_PREFIX = 'turn/';

/** Held by the server building a one-off commit on the branch, on stores several servers share (src/pfs/branch-turn.ts). */
export function turnKey(repo: RepoName, branch: BranchName): string {
  return `${TURN_PREFIX}${repo}/${branch}`;
}

export const TURN_WANT_PREFIX = 'turnwant/';

/** Present while server `owner` waits for the branch's turn, so the holder hands it over within a bounded run (src/pfs/branch-turn.ts). */
export function turnWantKey(owner: string, repo: RepoName, branch: BranchName): string {
  return `${TURN_WANT_PREFIX}${owner}/${repo}/${branch}`;
}

/** The turn key a want key waits for, and the waiting owner. */
export function parseTurnWantKey(key: string): { owner: string; turn: string } | undefined {
  const rest = key.slice(TURN_WANT_PREFIX.length);
  const slash = rest.indexOf('/');
  if (!key.startsWith(TURN_WANT_PREFIX) || slash < 0) return undefined;
  return { owner: rest.slice(0, slash), turn: TURN_PREFIX + rest.slice(slash + 1) };
}

export const HANDOFF_PREFIX = 'handoff/';

/**
 * One-off commits server `owner` hands to the holder of the branch's turn to
 * land in its group, on the owner's lease (src/pfs/handoff.ts). `seq` is the
 * owner's own counter: a key is never written twice.
 */
export function handoffKey(owner: string, seq: number, repo: RepoName, branch: BranchName): string {
  return `${HANDOFF_PREFIX}${owner}/${seq}/${repo}/${branch}`;
}

/** The turn key a handoff key is for. */
export function parseHandoffKey(key: string): { owner: string; turn: string } | undefined {
  if (!key.startsWith(HANDOFF_PREFIX)) return undefined;
  const [owner, seq, ...rest] = key.slice(HANDOFF_PREFIX.length).split('/');
  if (!owner || !seq || rest.length < 2) return undefined;
  return { owner, turn: TURN_PREFIX + rest.join('/') };
}

/** Present while a server finishes the open commit (see src/pfs/commits.ts). */
export function finishingKey(repo: RepoName, commit: CommitId): string {
  return `finishing/${repo}/${commit}`;
}

// ---- auth (src/auth): subjects are `user:NAME` / `robot:NAME`, never containing `/` ----

/** Every auth record (config, tokens, admins, roles); not the audit log. */
export const AUTH_PREFIX = 'auth/';
export const AUTH_CONFIG_KEY = 'auth/config';
/** Random bytes rewritten after every auth change: servers compare it to know their auth cache is current. */
export const AUTH_VERSION_KEY = 'auth/version';
export const AUTH_TOKEN_PREFIX = 'auth/token/';
export const AUTH_ADMIN_PREFIX = 'auth/admin/';
export const AUDIT_PREFIX = 'audit/';

export function authTokenKey(tokenHash: string): string {
  return `${AUTH_TOKEN_PREFIX}${tokenHash}`;
}

export function authAdminKey(subject: string): string {
  return `${AUTH_ADMIN_PREFIX}${subject}`;
}

export function authRoleKey(repo: RepoName, subject: string): string {
  return `auth/role/${repo}/${subject}`;
}

/** Every role binding on one repo. */
export function authRolePrefix(repo: RepoName): string {
  return `auth/role/${repo}/`;
}

export function authGrantKey(subject: string, repo: RepoName): string {
  return `auth/grant/${subject}/${repo}`;
}

/** Every role binding of one subject. */
export function authGrantPrefix(subject: string): string {
  return `auth/grant/${subject}/`;
}

/** Audit keys sort by time: epoch milliseconds, 13 digits (good until the year 2286). */
export function auditKey(time: number, id: string): string {
  return `${auditTimeKey(time)}/${id}`;
}

/** The key bound for a time: `auditTimeKey(t)` <= every key of a record at or after t. */
export function auditTimeKey(time: number): string {
  return `${AUDIT_PREFIX}${String(Math.max(0, Math.floor(time))).padStart(13, '0')}`;
}
