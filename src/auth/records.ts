// The stored records of auth and audit, and their encodings (JSON with a
// version field `v`, stored field names written out), converted here only.
// Keys are in src/meta/keys.ts.
import { parseRepoName, type RepoName } from '../ids.ts';
import { decodeJson, encodeJson, type FieldReader } from '../meta/record-fields.ts';
import { ROLES, parseSubject, type Role, type Subject } from './types.ts';

export const AUTH_RECORD_VERSION = 1;

export interface AuthConfigRecord {
  activatedAt: number;
}

export interface TokenRecord {
  subject: Subject;
  createdAt: number;
  createdBy: Subject;
  /** null = never expires. */
  expiresAt: number | null;
  description: string;
}

export interface RoleRecord {
  role: Role;
}

export type AuditOutcome = 'ok' | 'denied' | 'failed';
export const AUDIT_OUTCOMES: readonly AuditOutcome[] = ['ok', 'denied', 'failed'];

/** One audited call: who, when, what, and how it ended. */
export interface AuditRecord {
  time: number;
  subject: string;
  /** The RPC (or HTTP route) called, e.g. ModifyFile, SetRole. */
  method: string;
  repo: RepoName | null;
  outcome: AuditOutcome;
  /** The error code when it did not succeed. */
  code: string | null;
  /** What was done, in a few fields (branch, target subject, role, ...). */
  detail: Record<string, string>;
  requestId: string;
}

function reader(bytes: Uint8Array, what: string, key?: string): FieldReader {
  return decodeJson(bytes, key ? `${what} ${key}` : what, AUTH_RECORD_VERSION);
}

export function encodeAuthConfig(r: AuthConfigRecord): Uint8Array {
  return encodeJson({ v: AUTH_RECORD_VERSION, activatedAt: r.activatedAt });
}

export function decodeAuthConfig(bytes: Uint8Array, key?: string): AuthConfigRecord {
  return { activatedAt: reader(bytes, 'auth config', key).count('activatedAt') };
}

export function encodeToken(r: TokenRecord): Uint8Array {
  return encodeJson({ v: AUTH_RECORD_VERSION, subject: r.subject, createdAt: r.createdAt, createdBy: r.createdBy, expiresAt: r.expiresAt, description: r.description });
}

export function decodeToken(bytes: Uint8Array, key?: string): TokenRecord {
  const f = reader(bytes, 'token record', key);
  return {
    subject: f.parsed('subject', parseSubject),
    createdAt: f.count('createdAt'),
    createdBy: f.parsed('createdBy', parseSubject),
    expiresAt: f.nullableCount('expiresAt'),
    description: f.string('description'),
  };
}

export function encodeRole(r: RoleRecord): Uint8Array {
  return encodeJson({ v: AUTH_RECORD_VERSION, role: r.role });
}

export function decodeRole(bytes: Uint8Array, key?: string): RoleRecord {
  return { role: reader(bytes, 'role record', key).oneOf('role', ROLES) };
}

export function encodeAudit(r: AuditRecord): Uint8Array {
  return encodeJson({
    v: AUTH_RECORD_VERSION,
    time: r.time,
    subject: r.subject,
    method: r.method,
    repo: r.repo,
    outcome: r.outcome,
    code: r.code,
    detail: r.detail,
    requestId: r.requestId,
  });
}

export function decodeAudit(bytes: Uint8Array, key?: string): AuditRecord {
  const f = reader(bytes, 'audit record', key);
  return {
    time: f.count('time'),
    subject: f.string('subject'),
    method: f.string('method'),
    repo: f.nullableParsed('repo', parseRepoName),
    outcome: f.oneOf('outcome', AUDIT_OUTCOMES),
    code: f.nullableString('code'),
    detail: f.stringMap('detail'),
    requestId: f.string('requestId'),
  };
}
