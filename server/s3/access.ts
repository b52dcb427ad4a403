// Who may do what through the gateway. With auth active (src/auth, see
// docs/security.md) an S3 access key is a Strata token, used as both the
// access key id and the secret (as Pachyderm does): the token names the
// identity, SigV4 proves the caller holds it, and each request is then
// checked against that identity's role on the bucket's repo. With auth off
// the configured key pairs apply and every caller may do everything.
import { ANONYMOUS, allows, authorize, type Action, type Auth, type Identity } from '../../src/auth/index.ts';
import { isStrataError } from '../../src/errors/index.ts';
import type { RepoName } from '../../src/ids.ts';
import { parseBucket } from './bucket-names.ts';
import type { S3Call } from './context.ts';
import { S3Error } from './errors.ts';
import type { S3KeyLookup } from './keys.ts';

/** Keys are tokens: the token's identity, and the token itself as the signing secret. */
export function tokenKeys(auth: Auth): S3KeyLookup {
  return {
    open: false,
    async lookup(accessKeyId) {
      try {
        const identity = await auth.authenticate(accessKeyId);
        return { accessKeyId, secret: accessKeyId, principal: identity.subject, identity };
      } catch (err) {
        if (isStrataError(err, 'TOKEN_EXPIRED')) throw new S3Error('ExpiredToken', `The provided token has expired: ${err.message}`, {}, { cause: err });
        if (isStrataError(err) && err.kind === 'Unauthenticated') return undefined; // unknown or revoked: InvalidAccessKeyId
        throw err;
      }
    },
  };
}

/** The identity a verified request acts as: ANONYMOUS (may do everything) when auth is off. */
export function identityOf(signed: { identity?: Identity } | undefined): Identity {
  return signed?.identity ?? ANONYMOUS;
}

/**
 * The action a request needs on its bucket's repo. Undefined where the
 * handler checks itself: ListBuckets filters, CreateBucket needs `create`
 * for a new repo or `write` for a new branch of an existing one.
 */
export function actionFor(call: Pick<S3Call, 'method' | 'bucket' | 'key' | 'query'>): Action | undefined {
  if (!call.bucket) return undefined;
  const reads = call.method === 'GET' || call.method === 'HEAD';
  if (call.key) return reads ? 'read' : 'write';
  if (reads) return 'read';
  if (call.method === 'PUT') return call.query.size > 0 ? 'write' : undefined; // ?versioning; CreateBucket checks itself
  if (call.method === 'DELETE') return parseBucket(call.bucket).isRepo ? 'own' : 'write';
  return 'write'; // POST ?delete
}

/** Refuses (AccessDenied) what the caller's roles do not allow, before anything is read or written. */
export function requireAccess(call: S3Call): void {
  const action = actionFor(call);
  if (action) authorize(call.identity, action, parseBucket(call.bucket).repo);
}

export function requireAction(call: S3Call, action: Action, repo?: RepoName): void {
  authorize(call.identity, action, repo);
}

export function mayRead(call: S3Call, repo: RepoName): boolean {
  return allows(call.identity, 'read', repo);
}
