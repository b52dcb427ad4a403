// Auth for every transport: see docs/security.md ("The auth API").
export { createAuth, type Auth, type Clock, type RoleBinding, type TokenInfo } from './auth.ts';
export { createAuditLog, type AuditLog, type AuditQuery } from './audit.ts';
export { bearerToken } from './bearer.ts';
export { allows, authorize, authorizeTokenOf, roleOn, tokenExpiry } from './check.ts';
export type { AuditOutcome, AuditRecord } from './records.ts';
export { hashToken, newToken } from './tokens.ts';
export * from './types.ts';
