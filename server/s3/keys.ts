// Where the gateway finds the secret of an access key: the key pairs of the
// server's configuration (auth off), or the auth system's tokens (auth on;
// see access.ts, which maps a token to its identity).
import type { Identity } from '../../src/auth/index.ts';

export interface S3Identity {
  accessKeyId: string;
  secret: string;
  /** Who the key belongs to, for logs. */
  principal: string;
  /** The auth system's identity behind the key (auth on); absent for configured keys. */
  identity?: Identity;
}

export interface S3KeyLookup {
  /** undefined when no such key exists. */
  lookup(accessKeyId: string): Promise<S3Identity | undefined>;
  /**
   * True when no keys are configured at all: the gateway then serves
   * unsigned requests and does not check signatures, like the rest of a
   * server without auth. With any key configured, every request must be
   * signed by one.
   */
  readonly open: boolean;
}

export function staticKeys(pairs: ReadonlyArray<{ accessKeyId: string; secret: string }>): S3KeyLookup {
  const byId = new Map(pairs.map((p) => [p.accessKeyId, { ...p, principal: `s3-key:${p.accessKeyId}` }]));
  return { open: byId.size === 0, lookup: async (id) => byId.get(id) };
}
