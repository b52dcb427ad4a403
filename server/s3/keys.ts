// Where the gateway finds the secret of an access key. Today the keys come
// from the server's configuration; the auth system (issue 12) will provide
// another S3KeyLookup mapping a key to one of its identities.
export interface S3Identity {
  accessKeyId: string;
  secret: string;
  /** Who the key belongs to, for logs (and, later, the auth system's checks). */
  principal: string;
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
