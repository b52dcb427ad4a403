// A tiny structured logger: one JSON object per line, with level, time and
// message first. Enough for the server's request and error logs; it also
// satisfies the core's PfsLog interface.

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

const RANK: Readonly<Record<LogLevel, number>> = { debug: 10, info: 20, warn: 30, error: 40 };

export const LOG_LEVELS = Object.keys(RANK) as LogLevel[];

export interface Logger {
  readonly level: LogLevel;
  debug(fields: object, msg?: string): void;
  info(fields: object, msg?: string): void;
  warn(fields: object, msg?: string): void;
  error(fields: object, msg?: string): void;
  enabled(level: LogLevel): boolean;
}

// Errors are objects whose useful parts are not enumerable.
function plain(value: unknown): unknown {
  if (!(value instanceof Error)) return value;
  const out: Record<string, unknown> = { name: value.name, message: value.message };
  if ('code' in value) out.code = value.code;
  if (value.stack) out.stack = value.stack;
  if (value.cause !== undefined) out.cause = plain(value.cause);
  return out;
}

export function createLogger(opts: { level: LogLevel; write?: (line: string) => void }): Logger {
  const write = opts.write ?? ((line: string) => process.stdout.write(line));
  const min = RANK[opts.level];
  const emit = (level: LogLevel, fields: object, msg = ''): void => {
    if (RANK[level] < min) return;
    const record: Record<string, unknown> = { level, time: new Date().toISOString(), msg };
    for (const [k, v] of Object.entries(fields)) record[k] = plain(v);
    write(`${JSON.stringify(record)}\n`);
  };
  return {
    level: opts.level,
    debug: (f, m) => emit('debug', f, m),
    info: (f, m) => emit('info', f, m),
    warn: (f, m) => emit('warn', f, m),
    error: (f, m) => emit('error', f, m),
    enabled: (level) => RANK[level] >= min,
  };
}
