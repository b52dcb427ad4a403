// The console's two static assets: its stylesheet and htmx, both served by
// this process (never from a CDN: the console works without any network).
import { createReadStream } from 'node:fs';
import { createRequire } from 'node:module';
import type { FastifyInstance } from 'fastify';
import { CONSOLE_CSS } from './views/style.ts';

const HTMX_PATH = createRequire(import.meta.url).resolve('htmx.org/dist/htmx.min.js');

export function registerAssets(app: FastifyInstance): void {
  const cache = 'public, max-age=3600';
  app.get('/-/assets/console.css', async (_req, reply) => reply.type('text/css; charset=utf-8').header('cache-control', cache).send(CONSOLE_CSS));
  app.get('/-/assets/htmx.min.js', async (_req, reply) =>
    reply.type('text/javascript; charset=utf-8').header('cache-control', cache).send(createReadStream(HTMX_PATH)),
  );
}
