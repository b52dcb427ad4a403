// The auth half of the SDK: one typed method per AuthService RPC (see
// docs/security.md), over the same transport as the other clients.
//
//   const auth = createAuthClient({ address, token });
//   const me = await auth.whoAmI();
import { DEFAULT_ADDRESS, transportOptions, type ClientOptions } from './client.ts';
import { serviceClient, type UntypedService } from './services.ts';
import { Transport, type CallOptions } from './transport.ts';
import type { Wire } from './types.ts';

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

const cast = <T>(w: Wire): T => w as unknown as T;

export class AuthClient {
  readonly address: string;
  private readonly transport: Transport<UntypedService>;

  constructor(opts: ClientOptions = {}) {
    this.address = opts.address ?? DEFAULT_ADDRESS;
    this.transport = new Transport<UntypedService>({ ...transportOptions(opts), service: serviceClient('auth') });
  }

  close(): void {
    this.transport.close();
  }

  private read(method: string, request: object, opts: CallOptions): Promise<Wire> {
    return this.transport.unary(method, request, { ...opts, idempotent: true });
  }

  private write(method: string, request: object, opts: CallOptions): Promise<Wire> {
    return this.transport.unary(method, request, { ...opts, idempotent: false });
  }

  /** Turns auth on; the root token is in the answer only. */
  async activate(opts: CallOptions = {}): Promise<{ rootToken: string; subject: string }> {
    return cast(await this.write('Activate', {}, opts));
  }

  async deactivate(opts: CallOptions = {}): Promise<void> {
    await this.write('Deactivate', {}, opts);
  }

  async whoAmI(opts: CallOptions = {}): Promise<WhoAmI> {
    return cast(await this.read('WhoAmI', {}, opts));
  }

  /** A token for `subject` (user:NAME, robot:NAME or a bare user name); ttlMs 0 or absent = no expiry. */
  async createToken(subject: string, opts: CallOptions & { ttlMs?: number; description?: string } = {}): Promise<{ token: string; info: TokenInfo }> {
    return cast(await this.write('CreateToken', { subject, ttlMs: opts.ttlMs ?? 0, description: opts.description ?? '' }, opts));
  }

  async listTokens(opts: CallOptions & { subject?: string } = {}): Promise<TokenInfo[]> {
    return cast<{ tokens: TokenInfo[] }>(await this.read('ListTokens', { subject: opts.subject ?? '' }, opts)).tokens;
  }

  /** By id, unique id prefix (8+ hex digits), or the token itself. */
  async revokeToken(id: string, opts: CallOptions = {}): Promise<TokenInfo> {
    return cast(await this.write('RevokeToken', { id }, opts));
  }

  /** role "none" removes the binding. */
  async setRole(repo: string, role: string, subject: string, opts: CallOptions = {}): Promise<void> {
    await this.write('SetRole', { repo, role, subject }, opts);
  }

  async getRoles(repo: string, opts: CallOptions = {}): Promise<RoleBindingInfo[]> {
    return cast<{ roles: RoleBindingInfo[] }>(await this.read('GetRoles', { repo }, opts)).roles;
  }

  async setAdmin(subject: string, admin: boolean, opts: CallOptions = {}): Promise<void> {
    await this.write('SetAdmin', { subject, admin }, opts);
  }

  async listAdmins(opts: CallOptions = {}): Promise<string[]> {
    return cast<{ subjects: string[] }>(await this.read('ListAdmins', {}, opts)).subjects;
  }

  async audit(filter: AuditFilter = {}, opts: CallOptions = {}): Promise<AuditEntry[]> {
    const req = { subject: filter.subject ?? '', repo: filter.repo ?? '', sinceMs: filter.sinceMs ?? 0, untilMs: filter.untilMs ?? 0, limit: filter.limit ?? 0 };
    return cast<{ entries: AuditEntry[] }>(await this.read('GetAudit', req, opts)).entries;
  }
}

export function createAuthClient(opts: ClientOptions = {}): AuthClient {
  return new AuthClient(opts);
}
