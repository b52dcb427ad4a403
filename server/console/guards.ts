// Who may send the console a request, judged from the headers a browser
// sets itself (a page cannot forge them): forms only from the console's own
// origin (cross-site request forgery), and, on a console that listens on
// loopback only, only requests naming a loopback host (DNS rebinding: a
// page of evil.example whose name later resolves to 127.0.0.1 is, to the
// browser, the same origin as the console it reaches, so Origin checks
// alone let it through).
import type { FastifyRequest } from 'fastify';
import { StrataError } from '../../src/errors/index.ts';

/**
 * Forms post only from the console's own pages: a browser sends Origin on
 * a POST, and another origin's page (cross-site request forgery against a
 * server on localhost; another port of the same host is the same *site*,
 * so a SameSite=Strict cookie alone does not stop it) names itself there.
 * Sec-Fetch-Site, where a browser sends it, must agree; a client that is
 * no browser (curl, scripts) sends neither header and is let through.
 */
export function checkSameOrigin(req: FastifyRequest): void {
  const origin = req.headers.origin;
  const fetchSite = req.headers['sec-fetch-site'];
  const refuse = (from: string): never => {
    throw new StrataError('PERMISSION_DENIED', `form posted from another site (${from}); use the console's own pages`);
  };
  if (fetchSite !== undefined && fetchSite !== 'same-origin' && fetchSite !== 'none') refuse(`Sec-Fetch-Site: ${String(fetchSite)}`);
  if (origin === undefined || (origin === 'null' && fetchSite === 'same-origin')) return;
  // A browser writes Origin as scheme://host[:port], nothing more; anything else is no page of ours.
  const m = /^https?:\/\/([^/?#@\s\\]+)$/i.exec(origin);
  if (!m || m[1]!.toLowerCase() !== req.headers.host?.toLowerCase()) refuse(origin);
}

/** localhost (and *.localhost), 127.0.0.0/8 and [::1], as a Host header names them, with or without a port. */
export function isLoopbackHostHeader(host: string | undefined): boolean {
  const m = host === undefined ? null : /^(\[::1\]|[a-z0-9.-]+)(:\d{1,5})?$/i.exec(host);
  if (!m) return false;
  const name = m[1]!.toLowerCase();
  return name === 'localhost' || name.endsWith('.localhost') || name === '[::1]' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(name);
}

/** On a console listening on loopback only, a request naming any other host came through a name that is not ours. */
export function checkLoopbackHost(req: FastifyRequest): void {
  if (isLoopbackHostHeader(req.headers.host)) return;
  throw new StrataError(
    'PERMISSION_DENIED',
    `this console listens on loopback only and answers requests for localhost or 127.0.0.1, not for "${String(req.headers.host ?? '')}" (a page reached by another name, as DNS rebinding does, may not use it); a reverse proxy in front should send Host: 127.0.0.1, and to serve other names listen on them with --http HOST:PORT`,
  );
}

/** The referring console page, for a "go back" link; only a path on this host. */
export function sameOriginBack(req: FastifyRequest): string | undefined {
  const ref = req.headers.referer;
  if (!ref) return undefined;
  try {
    const u = new URL(ref);
    return u.host === req.headers.host && u.pathname !== req.url.split('?')[0] ? `${u.pathname}${u.search}` : undefined;
  } catch {
    return undefined;
  }
}
