// The server's logger: pino, one JSON object per line on stdout, with the
// level as a word ("level":"warn") and an ISO time, so `jq` and log
// shippers read it without a pino-specific mapping. Errors under `err`
// (and `cause` chains) go through pino's standard serializer. It also
// satisfies the core's PfsLog interface.
import { pino, stdSerializers, stdTimeFunctions, type Logger as PinoLogger } from 'pino';
import type { ErrorKind } from '../src/errors/index.ts';

export type Logger = PinoLogger;

export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export function createLogger(opts: { level: LogLevel; write?: (line: string) => void }): Logger {
  return pino(
    {
      level: opts.level,
      base: { pid: process.pid },
      timestamp: stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      serializers: { err: stdSerializers.err, error: stdSerializers.err },
    },
    // A write function (tests) or stdout, synchronously: a line written right before process.exit is not lost.
    opts.write ? { write: opts.write } : pino.destination({ dest: 1, sync: true }),
  );
}

/**
 * How loud a failed request is, by the kind of its error. An answer the
 * caller caused and expects (a name that does not exist, already exists)
 * is ordinary, like an HTTP 404: debug. Refusals worth seeing while
 * operating are info; trouble on the server's side (its store, its disk)
 * is warn; a bug is error. A Record, so a new kind must be placed here.
 */
export const FAILURE_LEVEL: Readonly<Record<ErrorKind, 'debug' | 'info' | 'warn' | 'error'>> = {
  NotFound: 'debug',
  AlreadyExists: 'debug',
  InvalidArgument: 'info',
  FailedPrecondition: 'info',
  Aborted: 'info',
  PermissionDenied: 'info',
  Unauthenticated: 'info',
  ResourceExhausted: 'warn',
  Unavailable: 'warn',
  DataLoss: 'warn',
  Internal: 'error',
};
