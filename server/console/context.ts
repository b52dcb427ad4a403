// What every console route gets: the core, how to find out who is looking,
// the extra header sections, and helpers to answer with a page or refuse a
// write. Auth (issue 12) plugs in through `viewer`; pipelines (issue 9)
// through `sections` plus its own routes.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { StrataError } from '../../src/errors/index.ts';
import type { Pfs } from '../../src/pfs/pfs.ts';
import type { Pps } from '../../src/pps/pps.ts';
import type { Auth } from '../../src/auth/index.ts';
import type { RepoName } from '../../src/ids.ts';
import { createConsoleSession, type ConsoleSession } from './session.ts';
import { urls } from './urls.ts';
import { layout, type NavSection, type Page, type Viewer } from './views/layout.ts';

export interface ConsoleOptions {
  pfs: Pfs;
  /** The auth system: given, pages need a login once auth is active (session.ts). */
  auth?: Auth;
  /** Who makes the request; default: from `auth`, else anonymous with write access. */
  viewer?: (req: FastifyRequest) => Viewer | Promise<Viewer>;
  /** The pipeline system: given, the console has a Pipelines section. */
  pps?: Pps;
  /** Extra header sections. */
  sections?: NavSection[];
  /** The HTTP port listens on loopback only: requests must name a loopback host (see guards.ts). */
  loopbackOnly?: boolean;
  /** Where unexpected errors are reported. */
  onInternalError?: (err: unknown, req: FastifyRequest) => void;
}

const ANONYMOUS: Viewer = Object.freeze({ name: null, canWrite: true });

export interface ConsoleContext {
  pfs: Pfs;
  pps?: Pps;
  session?: ConsoleSession;
  /** Whether the caller may read `repo` (lists show only those); always true without auth. */
  mayRead(req: FastifyRequest, repo: string): Promise<boolean>;
  /** Tells auth the console made / removed a repo (the creator owns it). */
  repoCreated(req: FastifyRequest, repo: RepoName): Promise<void>;
  repoDeleted(repo: RepoName): Promise<void>;
  viewerOf(req: FastifyRequest): Promise<Viewer>;
  /** Renders `page` in the frame and sends it. */
  page(req: FastifyRequest, reply: FastifyReply, page: Page, status?: number): Promise<FastifyReply>;
  /** Throws PermissionDenied unless the viewer may change things. */
  requireWrite(req: FastifyRequest): Promise<void>;
  onInternalError(err: unknown, req: FastifyRequest): void;
}

export function createConsoleContext(opts: ConsoleOptions): ConsoleContext {
  const session = opts.auth ? createConsoleSession(opts.auth) : undefined;
  const viewerOf = async (req: FastifyRequest): Promise<Viewer> => (opts.viewer ? opts.viewer(req) : session ? session.viewer(req) : ANONYMOUS);
  const sections = Object.freeze([...(opts.pps ? [{ title: 'Pipelines', href: urls.pipelines() }] : []), ...(opts.sections ?? [])]);
  return {
    pfs: opts.pfs,
    pps: opts.pps,
    session,
    mayRead: async (req, repo) => (session ? session.mayRead(req, repo) : true),
    repoCreated: async (req, repo) => session?.repoCreated(req, repo),
    repoDeleted: async (repo) => session?.repoDeleted(repo),
    viewerOf,
    async page(req, reply, page, status = 200) {
      const viewer = await viewerOf(req);
      return reply.code(status).type('text/html; charset=utf-8').send(layout({ sections, viewer }, page));
    },
    async requireWrite(req) {
      const viewer = await viewerOf(req);
      if (!viewer.canWrite) throw new StrataError('PERMISSION_DENIED', `${viewer.name ?? 'this user'} may only read; ask an admin for write access`);
    },
    onInternalError: opts.onInternalError ?? (() => undefined),
  };
}
