// A retried CompleteMultipartUpload (the client lost the first answer) gets
// the same 200 as S3 gives, not NoSuchUpload, only for the same parts list:
// the core keeps a digest of it with the upload's completion record
// (src/pfs/uploads.ts), durable and shared by every server on the store.
import { createHash } from 'node:crypto';

/** sha256 of the parts list as sent (numbers and unquoted ETags). */
export function partsDigest(parts: readonly { n: number; etag: string }[]): string {
  const h = createHash('sha256');
  for (const p of parts) h.update(`${p.n}\t${p.etag}\n`);
  return h.digest('hex');
}
