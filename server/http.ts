// The HTTP side of the server (fastify): liveness, readiness and Prometheus
// metrics. The S3 gateway and web console will register here as plugins.
import Fastify, { type FastifyInstance } from 'fastify';
import type { Registry } from 'prom-client';

export interface HttpDeps {
  registry: Registry;
  /** True while the server serves gRPC (false while starting and shutting down). */
  isReady(): boolean;
  /** Why the object store is not usable, or undefined when it answers (readiness includes it). */
  storeProblem?: () => Promise<string | undefined>;
}

export function createHttpApp(deps: HttpDeps): FastifyInstance {
  const app = Fastify({ logger: false });
  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async (_req, reply) => {
    if (!deps.isReady()) return reply.code(503).send({ status: 'not ready' });
    const store = await deps.storeProblem?.();
    return store === undefined ? { status: 'ready' } : reply.code(503).send({ status: 'not ready', store });
  });
  app.get('/metrics', async (_req, reply) => reply.type(deps.registry.contentType).send(await deps.registry.metrics()));
  return app;
}
