// Auth on the HTTP port's own routes: once auth is on, /metrics needs a
// valid token (`authorization: Bearer`), unless --open-metrics; the probes
// (/healthz, /readyz) stay open for orchestrators. The console checks its
// own session (server/console/session.ts) on its routes.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { bearerToken, type Auth } from '../src/auth/index.ts';
import { KIND_TABLE, isStrataError } from '../src/errors/index.ts';

export interface HttpAuthOptions {
  auth: Auth;
  /** /metrics without a token. */
  openMetrics: boolean;
}

/** Paths of server/http.ts that need a token (when auth is on). */
const GUARDED = new Set(['/metrics']);

export function addHttpAuth(app: FastifyInstance, opts: HttpAuthOptions): void {
  app.addHook('onRequest', async (req: FastifyRequest, reply: FastifyReply) => {
    const path = req.url.split('?')[0]!;
    if (!GUARDED.has(path) || opts.openMetrics) return;
    try {
      await opts.auth.authenticate(bearerToken(req.headers.authorization));
    } catch (err) {
      if (!isStrataError(err)) throw err;
      return reply.code(KIND_TABLE[err.kind].http).header('www-authenticate', 'Bearer realm="strata"').send({ code: err.code, message: err.message });
    }
  });
}
