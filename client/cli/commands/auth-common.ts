// What the auth commands share: reading a token from stdin, and parsing
// durations (--ttl 30d) and times (--since 1h or an ISO date).
import { StrataError } from '../../../src/errors/index.ts';
import { parseDuration } from '../../../src/pps/duration.ts';
import type { AuthClient } from '../../sdk/index.ts';
import type { Context, Io } from '../context.ts';
import { loadSdk } from '../sdk-loader.ts';

const MAX_TOKEN_INPUT = 4096;

/** The first non-empty line of stdin (a prompt first on a terminal). */
export async function readToken(io: Io): Promise<string> {
  if (io.stdin.isTTY) io.stderr.write('token: ');
  let text = '';
  for await (const chunk of io.stdin) {
    text += String(chunk);
    if (text.includes('\n') && text.trim() !== '') break;
    if (text.length > MAX_TOKEN_INPUT) break;
  }
  const token = text.split('\n').map((l) => l.trim()).find((l) => l !== '');
  if (!token) throw new StrataError('INVALID_ARGUMENT', 'no token on stdin (pipe it in, or give --token)', { field: 'token' });
  return token;
}

/** `90s`, `15m`, `12h`, `30d`, `1h30m` as milliseconds. */
export function parseTtl(text: string, flag: string): number {
  const days = /^(\d+)d$/.exec(text);
  const ms = days ? Number(days[1]) * 86_400_000 : parseDuration(text);
  if (ms === undefined || ms <= 0) throw new StrataError('INVALID_ARGUMENT', `invalid ${flag} "${text}": expected a duration such as 90s, 15m, 12h or 30d`, { input: text, field: flag });
  return ms;
}

/** A time: an ISO date/time, or a duration meaning that long ago (`1h`, `7d`). */
export function parseTime(text: string, flag: string, now = Date.now()): number {
  if (/^\d+(d|h|m|s|ms)/.test(text) && !/^\d{4}-/.test(text)) return now - parseTtl(text, flag);
  const t = Date.parse(text);
  if (Number.isNaN(t)) throw new StrataError('INVALID_ARGUMENT', `invalid ${flag} "${text}": expected an ISO time (2026-12-02T08:00:00Z) or a duration ago (1h, 7d)`, { input: text, field: flag });
  return t;
}

export function when(ms: number): string {
  return new Date(ms).toISOString();
}

/** Runs `fn` with an auth client on the resolved connection. */
export async function withAuth<T>(ctx: Context, fn: (auth: AuthClient) => Promise<T>, token?: string): Promise<T> {
  const { createAuthClient } = await loadSdk();
  const connection = await ctx.connection();
  const auth = createAuthClient(token ? { ...connection, token } : connection);
  try {
    return await fn(auth);
  } finally {
    auth.close();
  }
}

