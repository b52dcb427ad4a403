// Recently completed multipart uploads, so a retried CompleteMultipartUpload
// (the client lost the first answer) gets the same 200 as S3 gives, not
// NoSuchUpload. Bounded: the oldest entries are forgotten first, and each
// keeps a digest of the parts list, not the list (up to 10,000 parts).
import { createHash } from 'node:crypto';

export interface CompletedUpload {
  branch: string;
  path: string;
  /** sha256 of the parts list as sent (numbers and unquoted ETags). */
  partsDigest: string;
  /** The commit that wrote the object (its version id) and the answer's ETag. */
  versionId: string;
  hash: string;
  etag: string;
}

export const COMPLETED_UPLOADS_KEPT = 1_000;

export function partsDigest(parts: readonly { n: number; etag: string }[]): string {
  const h = createHash('sha256');
  for (const p of parts) h.update(`${p.n}\t${p.etag}\n`);
  return h.digest('hex');
}

export class CompletedUploads {
  private readonly byId = new Map<string, CompletedUpload>();
  constructor(private readonly kept = COMPLETED_UPLOADS_KEPT) {}

  remember(repo: string, id: string, done: CompletedUpload): void {
    if (this.kept <= 0) return;
    this.byId.set(`${repo}\0${id}`, done);
    // A Map iterates in insertion order: the first key is the oldest.
    while (this.byId.size > this.kept) this.byId.delete(this.byId.keys().next().value!);
  }

  get(repo: string, id: string): CompletedUpload | undefined {
    return this.byId.get(`${repo}\0${id}`);
  }
}
