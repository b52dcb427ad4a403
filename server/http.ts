// The HTTP side of the server (fastify): liveness, readiness and Prometheus
// metrics. The S3 gateway and web console will register here as plugins.
import Fastify, { type FastifyInstance } from 'fastify';
import type { Registry } from 'prom-client';

export interface HttpDeps {
  registry: Registry;
  /** True while the server serves gRPC (false while starting and shutting down). */
  isReady(): boolean;
}

export function createHttpApp(deps: HttpDeps): FastifyInstance {
  const app = Fastify({ logger: false });
  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async (_req, reply) => (deps.isReady() ? { status: 'ready' } : reply.code(503).send({ status: 'not ready' })));
  app.get('/metrics', async (_req, reply) => reply.type(deps.registry.contentType).send(await deps.registry.metrics()));
  return app;
}
