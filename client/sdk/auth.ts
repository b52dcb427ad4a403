// The auth half of the SDK: one typed method per AuthService RPC (see
// docs/security.md), over the same transport as the other clients.
//
//   const auth = createAuthClient({ address, token });
//   const me = await auth.whoAmI();
import type { AuditEntry__Output } from '../../proto/generated/strata/auth/v1/AuditEntry.ts';
import type { AuthServiceDefinition } from '../../proto/generated/strata/auth/v1/AuthService.ts';
import type { RoleBinding__Output } from '../../proto/generated/strata/auth/v1/RoleBinding.ts';
import type { TokenInfo__Output } from '../../proto/generated/strata/auth/v1/TokenInfo.ts';
import { DEFAULT_ADDRESS, transportOptions, type ClientOptions } from './client.ts';
import type { RequestOf, ResponseOf } from './services.ts';
import { Transport, type CallOptions } from './transport.ts';
export interface RoleBindingInfo {
  subject: string;
  repo: string;
  role: 'reader' | 'writer' | 'owner';
}

export interface WhoAmI {
  subject: string;
  admin: boolean;
  /** 0 = never. */
  expiresAtMs: number;
  authActive: boolean;
  roles: RoleBindingInfo[];
  tokenId: string;
}

export interface TokenInfo {
  id: string;
  subject: string;
  createdAtMs: number;
  createdBy: string;
  /** 0 = never. */
  expiresAtMs: number;
  description: string;
}

export interface AuditEntry {
  timeMs: number;
  subject: string;
  method: string;
  repo: string;
  outcome: 'ok' | 'denied' | 'failed';
  code: string;
  detail: Record<string, string>;
  requestId: string;
}

export interface AuditFilter {
  subject?: string;
  repo?: string;
  sinceMs?: number;
  untilMs?: number;
  limit?: number;
}

type Method = keyof AuthServiceDefinition & string;

// ---- wire -> SDK: the generated __Output types narrowed to the SDK's words ----

const toRoleBinding = (w: RoleBinding__Output): RoleBindingInfo => ({ subject: w.subject, repo: w.repo, role: w.role as RoleBindingInfo['role'] });

const toTokenInfo = (w: TokenInfo__Output | null): TokenInfo => ({
  id: w?.id ?? '',
  subject: w?.subject ?? '',
  createdAtMs: w?.createdAtMs ?? 0,
  createdBy: w?.createdBy ?? '',
  expiresAtMs: w?.expiresAtMs ?? 0,
  description: w?.description ?? '',
});

const toAuditEntry = (w: AuditEntry__Output): AuditEntry => ({
  timeMs: w.timeMs,
  subject: w.subject,
  method: w.method,
  repo: w.repo,
  outcome: w.outcome as AuditEntry['outcome'],
  code: w.code,
  detail: { ...w.detail },
  requestId: w.requestId,
});

export class AuthClient {
  readonly address: string;
  private readonly transport: Transport<AuthServiceDefinition>;

  constructor(opts: ClientOptions = {}) {
    this.address = opts.address ?? DEFAULT_ADDRESS;
    this.transport = new Transport<AuthServiceDefinition>({ ...transportOptions(opts), service: 'auth' });
  }

  close(): void {
    this.transport.close();
  }

  private read<M extends Method>(method: M, request: RequestOf<AuthServiceDefinition, M>, opts: CallOptions): Promise<ResponseOf<AuthServiceDefinition, M>> {
    return this.transport.unary(method, request, { ...opts, idempotent: true });
  }

  private write<M extends Method>(method: M, request: RequestOf<AuthServiceDefinition, M>, opts: CallOptions): Promise<ResponseOf<AuthServiceDefinition, M>> {
    return this.transport.unary(method, request, { ...opts, idempotent: false });
  }

  /** Turns auth on; the root token is in the answer only. */
  async activate(opts: CallOptions = {}): Promise<{ rootToken: string; subject: string }> {
    const w = await this.write('Activate', {}, opts);
    return { rootToken: w.rootToken, subject: w.subject };
  }

  async deactivate(opts: CallOptions = {}): Promise<void> {
    await this.write('Deactivate', {}, opts);
  }

  async whoAmI(opts: CallOptions = {}): Promise<WhoAmI> {
    const w = await this.read('WhoAmI', {}, opts);
    return { subject: w.subject, admin: w.admin, expiresAtMs: w.expiresAtMs, authActive: w.authActive, roles: w.roles.map(toRoleBinding), tokenId: w.tokenId };
  }

  /** A token for `subject` (user:NAME, robot:NAME or a bare user name); ttlMs 0 or absent = no expiry. */
  async createToken(subject: string, opts: CallOptions & { ttlMs?: number; description?: string } = {}): Promise<{ token: string; info: TokenInfo }> {
    const w = await this.write('CreateToken', { subject, ttlMs: opts.ttlMs ?? 0, description: opts.description ?? '' }, opts);
    return { token: w.token, info: toTokenInfo(w.info) };
  }

  async listTokens(opts: CallOptions & { subject?: string } = {}): Promise<TokenInfo[]> {
    return (await this.read('ListTokens', { subject: opts.subject ?? '' }, opts)).tokens.map(toTokenInfo);
  }

  /** By id, unique id prefix (8+ hex digits), or the token itself. */
  async revokeToken(id: string, opts: CallOptions = {}): Promise<TokenInfo> {
    return toTokenInfo(await this.write('RevokeToken', { id }, opts));
  }

  /** role "none" removes the binding. */
  async setRole(repo: string, role: string, subject: string, opts: CallOptions = {}): Promise<void> {
    await this.write('SetRole', { repo, role, subject }, opts);
  }

  async getRoles(repo: string, opts: CallOptions = {}): Promise<RoleBindingInfo[]> {
    return (await this.read('GetRoles', { repo }, opts)).roles.map(toRoleBinding);
  }

  async setAdmin(subject: string, admin: boolean, opts: CallOptions = {}): Promise<void> {
    await this.write('SetAdmin', { subject, admin }, opts);
  }

  async listAdmins(opts: CallOptions = {}): Promise<string[]> {
    return [...(await this.read('ListAdmins', {}, opts)).subjects];
  }

  async audit(filter: AuditFilter = {}, opts: CallOptions = {}): Promise<AuditEntry[]> {
    const req = { subject: filter.subject ?? '', repo: filter.repo ?? '', sinceMs: filter.sinceMs ?? 0, untilMs: filter.untilMs ?? 0, limit: filter.limit ?? 0 };
    return (await this.read('GetAudit', req, opts)).entries.map(toAuditEntry);
  }
}

export function createAuthClient(opts: ClientOptions = {}): AuthClient {
  return new AuthClient(opts);
}
