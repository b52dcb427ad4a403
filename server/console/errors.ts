// Failures as pages: a StrataError's kind picks the HTTP status (the one
// KIND_TABLE in src/errors), its message is shown as it is (escaped), and
// anything else is an internal error whose details stay in the log.
import type { FastifyError } from 'fastify';
import { KIND_TABLE, isStrataError, type ErrorKind } from '../../src/errors/index.ts';
import { html, type SafeHtml } from './html.ts';

const TITLES: Record<ErrorKind, string> = {
  NotFound: 'Not found',
  AlreadyExists: 'Already exists',
  InvalidArgument: 'Invalid input',
  FailedPrecondition: 'Not possible now',
  Aborted: 'Changed meanwhile, try again',
  PermissionDenied: 'Not allowed',
  Unauthenticated: 'Sign in needed',
  ResourceExhausted: 'Out of space',
  Unavailable: 'Unavailable',
  DataLoss: 'Data error',
  Internal: 'Internal error',
};

export interface ErrorView {
  status: number;
  title: string;
  message: string;
  code: string;
  /** Only for unexpected errors: what goes to the log. */
  internal?: unknown;
}

export function errorView(err: unknown): ErrorView {
  if (isStrataError(err)) {
    return { status: KIND_TABLE[err.kind].http, title: TITLES[err.kind], message: err.message, code: err.code, internal: err.kind === 'Internal' ? err : undefined };
  }
  const fe = err as Partial<FastifyError>;
  if (typeof fe?.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 500) {
    return { status: fe.statusCode, title: 'Bad request', message: fe.message ?? 'bad request', code: fe.code ?? 'BAD_REQUEST' };
  }
  return { status: 500, title: TITLES.Internal, message: 'The server failed to answer this page; the server log has the details.', code: 'INTERNAL', internal: err };
}

export function errorBody(v: ErrorView, back?: string): SafeHtml {
  return html`<h1>${v.title}</h1>
<div class="error" role="alert"><div>${v.message}</div><div class="code">HTTP ${v.status} · ${v.code}</div></div>
<p><a href="${back ?? '/'}">${back ? 'Go back' : 'All repos'}</a></p>`;
}
