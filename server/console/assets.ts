// The console's static assets: its stylesheet, icon and htmx, all served by
// this process (never from a CDN: the console works without any network).
import { createReadStream } from 'node:fs';
import { createRequire } from 'node:module';
import type { FastifyInstance } from 'fastify';
import { CONSOLE_CSS } from './views/style.ts';

// Three stacked layers: strata.
const FAVICON = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16"><rect x="1" y="2" width="14" height="3" rx="1" fill="#0969da"/><rect x="1" y="6.5" width="14" height="3" rx="1" fill="#54aeff"/><rect x="1" y="11" width="14" height="3" rx="1" fill="#24292f"/></svg>`;

const HTMX_PATH = createRequire(import.meta.url).resolve('htmx.org/dist/htmx.min.js');

export function registerAssets(app: FastifyInstance): void {
  const cache = 'public, max-age=3600';
  app.get('/-/assets/console.css', async (_req, reply) => reply.type('text/css; charset=utf-8').header('cache-control', cache).send(CONSOLE_CSS));
  app.get('/-/assets/favicon.svg', async (_req, reply) => reply.type('image/svg+xml').header('cache-control', cache).send(FAVICON));
  app.get('/-/assets/htmx.min.js', async (_req, reply) =>
    reply.type('text/javascript; charset=utf-8').header('cache-control', cache).send(createReadStream(HTMX_PATH)),
  );
}
