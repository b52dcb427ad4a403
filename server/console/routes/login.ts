// Log in with a token (kept in an HttpOnly, SameSite=Strict cookie) and log
// out; see session.ts for how every other page uses it.
import type { FastifyInstance } from 'fastify';
import { StrataError } from '../../../src/errors/index.ts';
import type { ConsoleContext } from '../context.ts';
import { field, queryString } from '../params.ts';
import { SESSION_COOKIE, safeNext, type ConsoleSession } from '../session.ts';
import { urls } from '../urls.ts';
import { loginView } from '../views/login.ts';

export function registerLoginRoutes(app: FastifyInstance, ctx: ConsoleContext, session: ConsoleSession): void {
  app.get('/login', async (req, reply) => {
    const next = safeNext(queryString(req.query, 'next'));
    return ctx.page(req, reply, { title: 'Log in', body: loginView(next, await session.active()) });
  });

  app.post('/login', async (req, reply) => {
    const next = safeNext(field(req.body, 'next'));
    if (!(await session.active())) return reply.redirect(next, 303);
    const token = field(req.body, 'token').trim();
    if (!token) throw new StrataError('UNAUTHENTICATED', 'give a token to log in (strata auth token create makes one)');
    const id = await session.authenticate(token);
    // The cookie ends with the browser session, or when the token expires if sooner.
    reply.setCookie(SESSION_COOKIE, token, {
      path: '/', httpOnly: true, sameSite: 'strict', secure: req.protocol === 'https',
      ...(id.expiresAt !== null ? { expires: new Date(id.expiresAt) } : {}),
    });
    return reply.redirect(next, 303);
  });

  app.post('/logout', async (_req, reply) => {
    reply.clearCookie(SESSION_COOKIE, { path: '/', httpOnly: true, sameSite: 'strict' });
    return reply.redirect(urls.login(), 303);
  });
}
