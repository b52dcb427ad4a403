// Bearer tokens: 32 random bytes, shown once, stored only as their SHA-256
// (a fast hash is enough for 256 random bits: there is nothing to guess).
import { createHash, randomBytes } from 'node:crypto';

export const TOKEN_PREFIX = 'strata_';

/** A fresh token: `strata_` and 43 base64url characters (32 bytes). The prefix lets secret scanners spot leaks. */
export function newToken(): string {
  return `${TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
}

/** The id a token is stored and listed under: SHA-256 of it, lower-case hex. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}


const TOKEN_ID = /^[0-9a-f]{8,64}$/;

/** Whether a string can be a token id or id prefix (8-64 lower-case hex). */
export function isTokenIdPrefix(s: string): boolean {
  return TOKEN_ID.test(s);
}
