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
import type { Rpc } from './rpc.ts';

export const AUTH_PROTO_FILE = 'strata/auth/v1/auth.proto';
export const AUTH_SERVICE_NAME = 'strata.auth.v1.AuthService';

export function loadAuthProto(): { definition: protoLoader.PackageDefinition; service: grpc.ServiceDefinition } {
  const definition = protoLoader.loadSync(AUTH_PROTO_FILE, { ...LOADER_OPTIONS, includeDirs: [protoDir()] });
  const service = definition[AUTH_SERVICE_NAME] as grpc.ServiceDefinition | undefined;
  if (!service) throw new Error(`${AUTH_PROTO_FILE} does not define ${AUTH_SERVICE_NAME}`);
  return { definition, service };
}

type Req = { [K in 'subject' | 'description' | 'id' | 'repo' | 'role']: string } & { ttlMs: number; admin: boolean; sinceMs: number; untilMs: number; limit: number };

const none = (): [] => [];

export const AUTH_POLICIES: Policies = {
  // Open: while auth is off every caller may do everything anyway; once on, it refuses.
  Activate: { checks: none, open: true },
  Deactivate: { checks: none, audit: true },
  WhoAmI: { checks: none },
  CreateToken: { checks: none, audit: true },
  ListTokens: { checks: none },
  RevokeToken: { checks: none, audit: true },
  SetRole: { checks: (req: Req) => [{ action: 'own', repo: repoField('repo', req.repo) }], audit: true },
  GetRoles: { checks: (req: Req) => [{ action: 'read', repo: repoField('repo', req.repo) }] },
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

export function authHandlers(rpc: Rpc, auth: Auth, pfs: Pfs): grpc.UntypedServiceImplementation {
  return {
    Activate: rpc.unary('Activate', async (_req: Req, ctx) => {
      const { token } = await auth.activate();
      await auth.audit.record({ subject: 'user:root', method: 'Activate', repo: null, outcome: 'ok', code: null, detail: {}, requestId: ctx.requestId });
      return { rootToken: token, subject: 'user:root' };
    }),
    Deactivate: rpc.unary('Deactivate', async (_req: Req, ctx) => (await auth.deactivate(ctx.identity), {})),
    WhoAmI: rpc.unary('WhoAmI', async (_req: Req, ctx) => {
      const id = ctx.identity;
      const roles = [...id.roles].map(([repo, role]) => ({ subject: id.subject, repo, role }));
      return { subject: id.subject, admin: id.admin, expiresAtMs: id.expiresAt ?? 0, authActive: await auth.isActive(), roles, tokenId: id.tokenId };
    }),
    CreateToken: rpc.unary('CreateToken', async (req: Req, ctx) => {
      const ttlMs = optionalMs('ttl_ms', req.ttlMs) ?? null;
      const made = await auth.createToken(ctx.identity, { subject: parseSubject(req.subject), ttlMs, description: req.description });
      return { token: made.token, info: tokenInfo(made.info) };
    }),
    ListTokens: rpc.unary('ListTokens', async (req: Req, ctx) => ({
      tokens: (await auth.listTokens(ctx.identity, req.subject ? parseSubject(req.subject) : undefined)).map(tokenInfo),
    })),
    RevokeToken: rpc.unary('RevokeToken', async (req: Req, ctx) => tokenInfo(await auth.revokeToken(ctx.identity, req.id))),
    SetRole: rpc.unary('SetRole', async (req: Req, ctx) => {
      const repo = repoField('repo', req.repo);
      const subject = parseSubject(req.subject);
      const role = parseRole(req.role);
      await pfs.inspectRepo(repo); // REPO_NOT_FOUND rather than a binding on nothing
      await auth.setRole(ctx.identity, repo, subject, role);
      return {};
    }),
    GetRoles: rpc.unary('GetRoles', async (req: Req, ctx) => {
      const repo = repoField('repo', req.repo);
      await pfs.inspectRepo(repo);
      return { roles: (await auth.getRoles(ctx.identity, repo)).map((b: RoleBinding) => ({ subject: b.subject, repo, role: b.role })) };
    }),
    SetAdmin: rpc.unary('SetAdmin', async (req: Req, ctx) => (await auth.setAdmin(ctx.identity, parseSubject(req.subject), req.admin), {})),
    ListAdmins: rpc.unary('ListAdmins', async (_req: Req, ctx) => ({ subjects: await auth.listAdmins(ctx.identity) })),
    GetAudit: rpc.unary('GetAudit', async (req: Req) => {
      const q = {
        subject: req.subject ? parseSubject(req.subject) : undefined,
        repo: req.repo ? repoField('repo', req.repo) : undefined,
        since: optionalMs('since_ms', req.sinceMs),
        until: optionalMs('until_ms', req.untilMs),
        limit: optionalMs('limit', req.limit),
      };
      return { entries: (await auth.audit.query(q)).map(auditEntry) };
    }),
  } as grpc.UntypedServiceImplementation;
}
