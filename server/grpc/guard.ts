// Authentication, authorization and audit for every gRPC call, in one place
// (rpc.ts calls it; handlers stay as they were). Each service gives a policy
// per method (policy.ts): which action on which repo a request needs,
// whether the call is audited, and how a list answer is filtered. A method
// without a policy is refused: new RPCs are closed until someone decides.
import type * as grpc from '@grpc/grpc-js';
import { ANONYMOUS, authorize, bearerToken, type Action, type Auth, type Identity } from '../../src/auth/index.ts';
import { StrataError, isStrataError } from '../../src/errors/index.ts';
import type { RepoName } from '../../src/ids.ts';
import type { Logger } from '../log.ts';
import type { RequestOf, ResponseOf } from './wire.ts';

export interface Check {
  action: Action;
  repo?: RepoName;
  /** For own/write on a repo the call may create: when the repo does not exist yet, `create` is enough. */
  orCreate?: boolean;
}

export interface MethodPolicy<Req = never, Res = never> {
  /** What the request needs. Client streams return what they can know up front and check the rest in the handler (ctx.authorize). */
  checks(req: Req): Check[];
  /** Writes and auth changes are audited. */
  audit?: boolean;
  /** No token needed (server info, activation). */
  open?: boolean;
  /** Narrows a list answer to what the caller may read. */
  filter?(res: Res, identity: Identity): Res;
  /** Runs after success (the creator of a repo becomes its owner). */
  after?(req: Req, identity: Identity, auth: Auth): Promise<void>;
}

/**
 * Every method of a service (its generated definition D) with a policy over
 * its own request and response, as the handler receives and answers them.
 */
export type PolicyTable<D> = {
  // The definition extends grpc's ServiceDefinition, whose string index signature is no method: left out.
  [M in keyof D as string extends M ? never : M]: MethodPolicy<RequestOf<D, M>, ResponseOf<D, M>>;
};

/** The policies of a service as the guard looks them up, by method name. */
export type Policies = Readonly<Record<string, MethodPolicy<unknown, unknown>>>;

export interface GuardDeps {
  auth: Auth;
  policies: Policies;
  log: Logger;
  /** Whether a repo exists (for `orCreate` checks). */
  repoExists(repo: RepoName): Promise<boolean>;
}

/** What one call learned about its caller; handlers see it through CallContext. */
export interface CallAuth {
  identity: Identity;
  /** The repos checked, the written one first: what the audit record names. */
  repo: RepoName | null;
  /** `repo` is one the call writes (not only reads). */
  written?: boolean;
  detail: Record<string, string>;
}

const SECRET = /^strata_/;

/** The request's plain top-level fields, for the audit record (tokens redacted, long values cut). */
function detailOf(req: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (typeof req !== 'object' || req === null) return out;
  for (const [k, v] of Object.entries(req)) {
    if (typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean') continue;
    if (v === '' || v === 0 || v === false) continue;
    const text = String(v);
    out[k] = SECRET.test(text) ? '(token)' : text.length > 200 ? `${text.slice(0, 200)}…` : text;
  }
  return out;
}

export function createGuard(deps: GuardDeps) {
  const { auth, policies, log } = deps;

  async function check(call: CallAuth, c: Check): Promise<void> {
    // The audit names the repo written (or else the first one read), also when the check fails.
    if (c.repo !== undefined && (call.repo === null || (c.action !== 'read' && !call.written))) {
      call.repo = c.repo;
      call.written = c.action !== 'read';
    }
    if (c.orCreate && c.repo !== undefined && !(await deps.repoExists(c.repo))) authorize(call.identity, 'create');
    else authorize(call.identity, c.action, c.repo);
  }

  return {
    /** Who calls (UNAUTHENTICATED / TOKEN_EXPIRED when auth is on and the token is no good). */
    async identify(method: string, metadata: grpc.Metadata, req: unknown): Promise<CallAuth> {
      const policy = policies[method];
      if (!policy) throw new StrataError('NOT_AUTHORIZED', `${method} has no access policy on this server; refused`, { subject: '', action: 'unknown', repo: null, needs: 'a policy' });
      const header = metadata.get('authorization')[0];
      const identity = policy.open ? ANONYMOUS : await auth.authenticate(bearerToken(typeof header === 'string' ? header : header?.toString('utf8')));
      return { identity, repo: null, detail: detailOf(req) };
    },

    /** Runs the method's checks on the request; throws NOT_AUTHORIZED. */
    async admit(method: string, call: CallAuth, req: unknown): Promise<void> {
      for (const c of policies[method]!.checks(req as never)) await check(call, c);
    },

    /** A check from inside a handler (a stream's header, a copy's source). */
    authorize: (call: CallAuth, action: Action, repo?: RepoName): Promise<void> => check(call, { action, repo }),

    /** The answer, filtered for the caller. */
    async finish(method: string, call: CallAuth, req: unknown, res: unknown): Promise<unknown> {
      const policy = policies[method];
      // A write that made or changed a commit: the audit record names it.
      const made = res as { repo?: unknown; id?: unknown } | null;
      if (policy?.audit && typeof made?.repo === 'string' && typeof made.id === 'string') call.detail.commit = made.id;
      if (policy?.after) await policy.after(req as never, call.identity, auth);
      return policy?.filter ? policy.filter(res as never, call.identity) : res;
    },

    /** One audit record for an audited call by a known caller (auth on); never fails the call. */
    async audit(method: string, call: CallAuth | undefined, requestId: string, err?: unknown): Promise<void> {
      if (!policies[method]?.audit || call === undefined || call.identity === ANONYMOUS) return;
      const code = err === undefined ? null : isStrataError(err) ? err.code : 'INTERNAL';
      const outcome = err === undefined ? 'ok' : code === 'NOT_AUTHORIZED' ? 'denied' : 'failed';
      try {
        await auth.audit.record({ subject: call.identity.subject, method, repo: call.repo, outcome, code, detail: call.detail, requestId });
      } catch (auditErr) {
        log.error({ requestId, method, err: auditErr }, 'could not write the audit record');
      }
    },
  };
}

export type Guard = ReturnType<typeof createGuard>;
