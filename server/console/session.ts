// Console login over the auth system (src/auth, docs/security.md): a token
// given once on /login is kept in an HttpOnly, SameSite=Strict cookie (and
// Secure over TLS) and authenticated on every request; auth keeps no
// caches, so a revoked or expired token ends the session at the next page.
// Every page checks the role its repo needs (read for pages, write for
// forms, own to delete the repo), lists show only what the caller may read,
// and the viewer (name, write buttons) comes from the same identity. With
// auth off everyone is the anonymous admin and /login says so.
import cookie from '@fastify/cookie';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { allows, authorize, ANONYMOUS, bearerToken, type Auth, type Identity } from '../../src/auth/index.ts';
import { isStrataError } from '../../src/errors/index.ts';
import { parseRepoName, type RepoName } from '../../src/ids.ts';
import { auditConsoleWrites } from './audit.ts';
import type { Viewer } from './views/layout.ts';

export const SESSION_COOKIE = 'strata_session';

/** Paths anyone may load: the login form and the assets it uses. */
const OPEN = (url: string): boolean => url === '/login' || url.startsWith('/login?') || url.startsWith('/-/assets/');

export interface ConsoleSession {
  identityOf(req: FastifyRequest): Promise<Identity>;
  /** Who holds `token` (UNAUTHENTICATED / TOKEN_EXPIRED otherwise). */
  authenticate(token: string): Promise<Identity>;
  /** After the console created or deleted a repo: the creator owns it / its roles go. */
  repoCreated(req: FastifyRequest, repo: RepoName): Promise<void>;
  repoDeleted(repo: RepoName): Promise<void>;
  viewer(req: FastifyRequest): Promise<Viewer>;
  mayRead(req: FastifyRequest, repo: string): Promise<boolean>;
  active(): Promise<boolean>;
  register(app: FastifyInstance): Promise<void>;
}

/** The repo a request is about: /repos/:repo/... and /pipelines/:name/... (a pipeline's output repo). */
function repoOf(req: FastifyRequest): RepoName | undefined {
  const p = req.params as Record<string, string | undefined> | undefined;
  const name = p?.repo ?? (req.url.startsWith('/pipelines/') ? p?.name : undefined);
  if (name === undefined) return undefined;
  try {
    return parseRepoName(name);
  } catch {
    return undefined; // the route reports the bad name itself
  }
}

/** A same-site path to go back to after login; anything else goes home. */
export function safeNext(next: unknown): string {
  if (typeof next !== 'string' || !next.startsWith('/')) return '/';
  // Parsed as a browser would parse it (tabs and newlines dropped, "\\" read as
  // "/"), so "/\t/evil.example" or "/\\evil.example" cannot become another origin.
  const base = 'http://console.invalid';
  let url: URL;
  try {
    url = new URL(next, base);
  } catch {
    return '/';
  }
  const path = url.pathname + url.search + url.hash;
  // Dot segments can leave "//host" after normalisation ("/.//evil.example").
  return url.origin === base && !path.startsWith('//') ? path : '/';
}

export function createConsoleSession(auth: Auth): ConsoleSession {
  const known = new WeakMap<FastifyRequest, Identity>();
  const identityOf = async (req: FastifyRequest): Promise<Identity> => {
    let id = known.get(req);
    if (!id) {
      const token = req.cookies?.[SESSION_COOKIE] ?? bearerToken(req.headers.authorization);
      id = await auth.authenticate(token);
      known.set(req, id);
    }
    return id;
  };
  const session: ConsoleSession = {
    identityOf,
    authenticate: (token) => auth.authenticate(token),
    repoCreated: async (req, repo) => auth.repoCreated(await identityOf(req), repo),
    repoDeleted: (repo) => auth.repoDeleted(repo),
    active: () => auth.isActive(),
    async viewer(req) {
      if (OPEN(req.url) && !req.cookies?.[SESSION_COOKIE]) return { name: null, canWrite: false };
      const id = await identityOf(req).catch(() => undefined);
      if (!id) return { name: null, canWrite: false };
      const repo = repoOf(req);
      const name = id === ANONYMOUS ? null : id.subject;
      return { name, canWrite: repo ? allows(id, 'write', repo) : allows(id, 'create'), canDelete: repo ? allows(id, 'own', repo) : false, session: name !== null };
    },
    async mayRead(req, repo) {
      return allows(await identityOf(req), 'read', repo as RepoName);
    },
    async register(app) {
      await app.register(cookie);
      auditConsoleWrites(app, auth, (req) => known.get(req), repoOf);
      app.addHook('preHandler', async (req: FastifyRequest, reply: FastifyReply) => {
        if (OPEN(req.url)) return;
        let id: Identity;
        try {
          id = await identityOf(req);
        } catch (err) {
          // No session (or one that ended): reading pages go to the login form and come back.
          if (req.method === 'GET' && isStrataError(err) && err.kind === 'Unauthenticated') {
            return reply.redirect(`/login?next=${encodeURIComponent(req.url)}`, 303);
          }
          throw err;
        }
        const repo = repoOf(req);
        if (!repo) return;
        // Deleting a repo (its confirmation page too) needs owner; other forms writer; pages reader.
        const own = /^\/repos\/[^/]+\/delete$/.test(req.url.split('?')[0]!);
        authorize(id, own ? 'own' : req.method === 'GET' ? 'read' : 'write', repo);
      });
    },
  };
  return session;
}
