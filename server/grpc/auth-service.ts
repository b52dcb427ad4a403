// The AuthService handlers: decode, parse, call the auth core, encode. The
// core authorizes each call itself (it is given the caller's identity);
// the policies here add the audit flag and the few checks that need a repo.
import type * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { parseRole, parseSubject, type Auth, type AuditRecord, type RoleBinding, type TokenInfo } from '../../src/auth/index.ts';
import type { Pfs } from '../../src/pfs/pfs.ts';
import { protoDir } from '../../src/package-dir.ts';
import type { Policies } from './guard.ts';
import { countField, repoField } from './parse.ts';
import { LOADER_OPTIONS } from './proto.ts';
import type { AuthServiceDefinition, AuthServiceHandlers } from '../../proto/generated/strata/auth/v1/AuthService.ts';
import type { GetRolesRequest__Output } from '../../proto/generated/strata/auth/v1/GetRolesRequest.ts';
import type { SetRoleRequest__Output } from '../../proto/generated/strata/auth/v1/SetRoleRequest.ts';
import type { Rpc } from './rpc.ts';

export const AUTH_PROTO_FILE = 'strata/auth/v1/auth.proto';
export const AUTH_SERVICE_NAME = 'strata.auth.v1.AuthService';

export function loadAuthProto(): { definition: protoLoader.PackageDefinition; service: grpc.ServiceDefinition } {
  const definition = protoLoader.loadSync(AUTH_PROTO_FILE, { ...LOADER_OPTIONS, includeDirs: [protoDir()] });
  const service = definition[AUTH_SERVICE_NAME] as grpc.ServiceDefinition | undefined;
  if (!service) throw new Error(`${AUTH_PROTO_FILE} does not define ${AUTH_SERVICE_NAME}`);
  return { definition, service };
}


const none = (): [] => [];

export const AUTH_POLICIES: Policies = {
  // Open: while auth is off every caller may do everything anyway; once on, it refuses.
  Activate: { checks: none, open: true },
  Deactivate: { checks: none, audit: true },
  WhoAmI: { checks: none },
  CreateToken: { checks: none, audit: true },
  ListTokens: { checks: none },
  RevokeToken: { checks: none, audit: true },
  SetRole: { checks: (req: SetRoleRequest__Output) => [{ action: 'own', repo: repoField('repo', req.repo) }], audit: true },
  GetRoles: { checks: (req: GetRolesRequest__Output) => [{ action: 'read', repo: repoField('repo', req.repo) }] },
  SetAdmin: { checks: () => [{ action: 'admin' }], audit: true },
  ListAdmins: { checks: () => [{ action: 'authenticated' }] },
  GetAudit: { checks: () => [{ action: 'admin' }] },
};

function tokenInfo(t: TokenInfo) {
  return { id: t.id, subject: t.subject, createdAtMs: t.createdAt, createdBy: t.createdBy, expiresAtMs: t.expiresAt ?? 0, description: t.description };
}

function auditEntry(r: AuditRecord) {
  return { timeMs: r.time, subject: r.subject, method: r.method, repo: r.repo ?? '', outcome: r.outcome, code: r.code ?? '', detail: r.detail, requestId: r.requestId };
}

const optionalMs = (name: string, v: number): number | undefined => (v === 0 ? undefined : countField(name, v));

export function authHandlers(rpc: Rpc<AuthServiceDefinition>, auth: Auth, pfs: Pfs): AuthServiceHandlers {
  return {
    Activate: rpc.unary('Activate', async (_req, ctx) => {
      const { token } = await auth.activate();
      await auth.audit.record({ subject: 'user:root', method: 'Activate', repo: null, outcome: 'ok', code: null, detail: {}, requestId: ctx.requestId });
      return { rootToken: token, subject: 'user:root' };
    }),
    Deactivate: rpc.unary('Deactivate', async (_req, ctx) => (await auth.deactivate(ctx.identity), {})),
    WhoAmI: rpc.unary('WhoAmI', async (_req, ctx) => {
      const id = ctx.identity;
      const roles = [...id.roles].map(([repo, role]) => ({ subject: id.subject, repo, role }));
      return { subject: id.subject, admin: id.admin, expiresAtMs: id.expiresAt ?? 0, authActive: await auth.isActive(), roles, tokenId: id.tokenId };
    }),
    CreateToken: rpc.unary('CreateToken', async (req, ctx) => {
      const ttlMs = optionalMs('ttl_ms', req.ttlMs) ?? null;
      const made = await auth.createToken(ctx.identity, { subject: parseSubject(req.subject), ttlMs, description: req.description });
      return { token: made.token, info: tokenInfo(made.info) };
    }),
    ListTokens: rpc.unary('ListTokens', async (req, ctx) => ({
      tokens: (await auth.listTokens(ctx.identity, req.subject ? parseSubject(req.subject) : undefined)).map(tokenInfo),
    })),
    RevokeToken: rpc.unary('RevokeToken', async (req, ctx) => tokenInfo(await auth.revokeToken(ctx.identity, req.id))),
    SetRole: rpc.unary('SetRole', async (req, ctx) => {
      const repo = repoField('repo', req.repo);
      const subject = parseSubject(req.subject);
      const role = parseRole(req.role);
      await pfs.inspectRepo(repo); // REPO_NOT_FOUND rather than a binding on nothing
      await auth.setRole(ctx.identity, repo, subject, role);
      return {};
    }),
    GetRoles: rpc.unary('GetRoles', async (req, ctx) => {
      const repo = repoField('repo', req.repo);
      await pfs.inspectRepo(repo);
      return { roles: (await auth.getRoles(ctx.identity, repo)).map((b: RoleBinding) => ({ subject: b.subject, repo, role: b.role })) };
    }),
    SetAdmin: rpc.unary('SetAdmin', async (req, ctx) => (await auth.setAdmin(ctx.identity, parseSubject(req.subject), req.admin), {})),
    ListAdmins: rpc.unary('ListAdmins', async (_req, ctx) => ({ subjects: await auth.listAdmins(ctx.identity) })),
    GetAudit: rpc.unary('GetAudit', async (req) => {
      const q = {
        subject: req.subject ? parseSubject(req.subject) : undefined,
        repo: req.repo ? repoField('repo', req.repo) : undefined,
        since: optionalMs('since_ms', req.sinceMs),
        until: optionalMs('until_ms', req.untilMs),
        limit: optionalMs('limit', req.limit),
      };
      return { entries: (await auth.audit.query(q)).map(auditEntry) };
    }),
  } satisfies AuthServiceHandlers;
}
