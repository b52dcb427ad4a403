// The console's writes in the audit log (docs/security.md, "Audit log"), as
// the gRPC and S3 transports record theirs: with auth on, every form a
// signed-in caller posts (create or delete a repo or branch) leaves one record
// of who, what, on which repo and how it ended, written before the answer
// leaves, so `strata auth audit` shows it as soon as the browser has its page.
// Login and logout are not writes (the token was made elsewhere, and is
// recorded there); a request without a valid session is not recorded, as on
// the other transports (the server log has it).
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ANONYMOUS, type Auth, type Identity } from '../../src/auth/index.ts';
import { isStrataError } from '../../src/errors/index.ts';
import { parseRepoName, type RepoName } from '../../src/ids.ts';

const NOT_WRITES = new Set(['GET', 'HEAD', 'OPTIONS']);

/** `identity(req)`: the identity the request was authenticated as, if it was. */
export function auditConsoleWrites(app: FastifyInstance, auth: Auth, identity: (req: FastifyRequest) => Identity | undefined, repoOf: (req: FastifyRequest) => RepoName | undefined): void {
  const failures = new WeakMap<FastifyRequest, unknown>();
  app.addHook('onError', async (req, _reply, err) => void failures.set(req, err));
  app.addHook('onSend', async (req, reply, payload) => {
    const who = identity(req);
    if (NOT_WRITES.has(req.method) || who === undefined || who === ANONYMOUS) return payload;
    const path = req.url.split('?')[0]!;
    if (path === '/login' || path === '/logout') return payload;
    const err = failures.get(req);
    const code = err === undefined ? (reply.statusCode >= 400 ? `HTTP_${reply.statusCode}` : null) : isStrataError(err) ? err.code : 'INTERNAL';
    await auth.audit.record({
      subject: who.subject,
      method: `console ${req.method} ${req.routeOptions.url ?? path}`,
      repo: repoOf(req) ?? createdRepo(req) ?? null,
      outcome: code === null ? 'ok' : code === 'NOT_AUTHORIZED' || code === 'PERMISSION_DENIED' ? 'denied' : 'failed',
      code,
      detail: { path },
      requestId: req.id,
    });
    return payload;
  });
}

/** POST /repos names the repo it creates in its form. */
function createdRepo(req: FastifyRequest): RepoName | undefined {
  const name = (req.body as Record<string, unknown> | undefined)?.name;
  if (req.routeOptions.url !== '/repos' || typeof name !== 'string') return undefined;
  try {
    return parseRepoName(name.trim());
  } catch {
    return undefined;
  }
}
