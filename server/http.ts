// The HTTP side of the server (fastify): liveness, readiness and Prometheus
// metrics, and the web console (server/console) at `/`.
import Fastify, { type FastifyInstance } from 'fastify';
import type { Registry } from 'prom-client';
import { consolePlugin, type ConsoleOptions } from './console/index.ts';
import { guardConnections, type ConnectionGuardEvents, type ConnectionLimits } from './connection-guard.ts';
import { addHttpAuth, type HttpAuthOptions } from './http-auth.ts';

export interface HttpDeps {
  registry: Registry;
  /** True while the server serves gRPC (false while starting and shutting down). */
  isReady(): boolean;
  /** Why the object store is not usable, or undefined when it answers (readiness includes it). */
  storeProblem?: () => Promise<string | undefined>;
  /** The web console; left out, the port serves only health and metrics. */
  console?: ConsoleOptions;
  /** Auth for every route but the probes (see http-auth.ts). */
  auth?: HttpAuthOptions;
  /** HTTPS (PEM); `ca` asks clients for a certificate it signed (mTLS). */
  tls?: { cert: Buffer; key: Buffer; ca?: Buffer };
  /** Slow-loris limits (server/connection-guard.ts); left out, Node's and fastify's defaults. */
  connections?: ConnectionLimits & ConnectionGuardEvents;
}

export function createHttpApp(deps: HttpDeps): FastifyInstance {
  const https = deps.tls ? { https: { cert: deps.tls.cert, key: deps.tls.key, ...(deps.tls.ca ? { ca: deps.tls.ca, requestCert: true, rejectUnauthorized: true } : {}) } } : {};
  const app = Fastify({ logger: false, ...https }) as unknown as FastifyInstance;
  if (deps.connections) guardConnections(app, deps.connections, deps.connections);
  if (deps.auth) addHttpAuth(app, deps.auth);
  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async (_req, reply) => {
    if (!deps.isReady()) return reply.code(503).send({ status: 'not ready' });
    const store = await deps.storeProblem?.();
    return store === undefined ? { status: 'ready' } : reply.code(503).send({ status: 'not ready', store });
  });
  app.get('/metrics', async (_req, reply) => reply.type(deps.registry.contentType).send(await deps.registry.metrics()));
  if (deps.console) app.register(consolePlugin, deps.console);
  return app;
}
