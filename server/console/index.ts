// The web console: server-rendered pages on the server's HTTP port.
// Registered as one encapsulated fastify plugin (see server/http.ts); its
// routes live in routes/, its pages in views/. Reading works with
// JavaScript off; htmx (served from here) only makes paging smoother.
import formbody from '@fastify/formbody';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { StrataError } from '../../src/errors/index.ts';
import { registerAssets } from './assets.ts';
import { createConsoleContext, type ConsoleContext, type ConsoleOptions } from './context.ts';
import { errorBody, errorView } from './errors.ts';
import { checkLoopbackHost, checkSameOrigin, sameOriginBack } from './guards.ts';
import { registerBranchRoutes } from './routes/branches.ts';
import { registerCommitRoutes } from './routes/commits.ts';
import { registerCompareRoutes } from './routes/compare.ts';
import { registerFileRoutes } from './routes/files.ts';
import { registerLoginRoutes } from './routes/login.ts';
import { registerPipelineRoutes } from './routes/pipelines.ts';
import { registerRepoRoutes } from './routes/repos.ts';

export type { ConsoleOptions } from './context.ts';
export type { NavSection, Viewer } from './views/layout.ts';

// Pages load only what this process serves; the raw-file route sets a stricter one.
const PAGE_CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";
// No framing (X-Frame-Options for browsers without frame-ancestors), no
// sniffing, no window shared with another site's page, and no other site may
// embed our answers (a file's bytes as a cross-origin <img> or <script>).
const PAGE_HEADERS = Object.freeze({
  'content-security-policy': PAGE_CSP,
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'same-origin',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
});

export async function consolePlugin(app: FastifyInstance, opts: ConsoleOptions): Promise<void> {
  const ctx = createConsoleContext(opts);
  await app.register(formbody, { bodyLimit: 64 << 10 });
  if (ctx.session) await ctx.session.register(app);
  app.addHook('onRequest', async (req, reply) => {
    reply.headers(PAGE_HEADERS);
    if (opts.loopbackOnly) checkLoopbackHost(req);
    if (req.method === 'POST') checkSameOrigin(req);
  });
  app.setErrorHandler(async (err, req, reply) => {
    const view = errorView(err);
    if (view.internal !== undefined) ctx.onInternalError(view.internal, req);
    if (reply.sent) return;
    return ctx.page(req, reply, { title: view.title, body: errorBody(view, sameOriginBack(req)) }, view.status);
  });
  app.setNotFoundHandler(async (req, reply) => {
    const view = errorView(new StrataError('NOT_FOUND', `no console page at ${req.url.split('?')[0]}`));
    return ctx.page(req, reply, { title: view.title, body: errorBody(view) }, 404);
  });
  registerAssets(app);
  registerRoutes(app, ctx);
}

function registerRoutes(app: FastifyInstance, ctx: ConsoleContext): void {
  if (ctx.session) registerLoginRoutes(app, ctx, ctx.session);
  registerRepoRoutes(app, ctx);
  registerBranchRoutes(app, ctx);
  registerCommitRoutes(app, ctx);
  registerFileRoutes(app, ctx);
  registerCompareRoutes(app, ctx);
  if (ctx.pps) registerPipelineRoutes(app, ctx, ctx.pps);
}
