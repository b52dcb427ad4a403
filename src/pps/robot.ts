// A pipeline's own identity once auth is on (src/auth): the robot
// `robot:pipeline-NAME` holds reader on each input repo and writer on the
// output repo, nothing else. Every job first checks that the robot still
// may read its inputs and write its output (so taking a role away stops
// the pipeline at its next job, with NOT_AUTHORIZED as the reason), and
// its commands get a token of the robot's (STRATA_TOKEN, valid while the
// job runs, revoked when it ends), so what they do through the API is
// limited to the same repos. With auth off all of this is skipped.
import { authorize, parseSubject, SYSTEM, type Auth, type Subject } from '../auth/index.ts';
import { isStrataError } from '../errors/index.ts';
import type { RepoName } from '../ids.ts';
import { pfsInputs } from './spec.ts';
import type { PipelineSpec } from './spec-types.ts';

/** The longest a job's token lives (a job that runs longer loses API access, not its run). */
const JOB_TOKEN_MS = 24 * 3600_000;

export const robotOf = (pipeline: string): Subject => parseSubject(`robot:pipeline-${pipeline}`);

const inputRepos = (spec: PipelineSpec): RepoName[] => [...new Set(pfsInputs(spec.input).map((i) => i.repo as RepoName))];

export interface PipelineRobots {
  /** After create/update: reader on the inputs (dropped from inputs `old` had and `spec` has not), writer on the output. */
  grant(spec: PipelineSpec, old?: PipelineSpec): Promise<void>;
  /** After delete: the robot's roles go. */
  drop(spec: PipelineSpec): Promise<void>;
  /** Checks the robot's roles and makes a token for one job's commands; undefined with auth off. */
  jobToken(spec: PipelineSpec, job: string): Promise<{ token: string; release(): Promise<void> } | undefined>;
}

export function createPipelineRobots(auth: Auth | undefined): PipelineRobots {
  const active = async (): Promise<boolean> => auth !== undefined && (await auth.isActive());
  return {
    async grant(spec, old) {
      if (!(await active())) return;
      const robot = robotOf(spec.name);
      const now = new Set(inputRepos(spec));
      for (const repo of old ? inputRepos(old) : []) if (!now.has(repo) && repo !== spec.name) await auth!.setRole(SYSTEM, repo, robot, null);
      for (const repo of now) await auth!.setRole(SYSTEM, repo, robot, 'reader');
      await auth!.setRole(SYSTEM, spec.name, robot, 'writer');
    },
    async drop(spec) {
      if (!(await active())) return;
      const robot = robotOf(spec.name);
      for (const repo of [...inputRepos(spec), spec.name]) {
        await auth!.setRole(SYSTEM, repo, robot, null).catch((err: unknown) => {
          if (!isStrataError(err) || err.kind !== 'NotFound') throw err; // the repo went with the pipeline
        });
      }
    },
    async jobToken(spec, job) {
      if (!(await active())) return undefined;
      const { token } = await auth!.createToken(SYSTEM, { subject: robotOf(spec.name), ttlMs: JOB_TOKEN_MS, description: `pipeline ${spec.name} job ${job}` });
      const release = async (): Promise<void> => void (await auth!.revokeToken(SYSTEM, token).catch(() => undefined));
      try {
        const id = await auth!.authenticate(token);
        for (const repo of inputRepos(spec)) authorize(id, 'read', repo);
        authorize(id, 'write', spec.name);
      } catch (err) {
        await release();
        throw err;
      }
      return { token, release };
    },
  };
}
