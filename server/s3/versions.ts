// ListObjectVersions: a key's versions are the commits of the bucket's
// history that changed it, newest first; a commit that deleted it shows as
// a delete marker. The history walked is bounded (HISTORY_LIMIT commits
// back from the head), and a page stops once it holds max-keys versions.
import type { CommitId, FilePath } from '../../src/ids.ts';
import { parseBucket } from './bucket-names.ts';
import { listingCommit } from './buckets.ts';
import { etagOf, isoTime, sendXml, type S3Call } from './context.ts';
import { xmlDocument } from './xml.ts';

export const HISTORY_LIMIT = 1000;

interface Version {
  key: string;
  id: CommitId;
  time: number;
  deleted: boolean;
  size: number;
  etag: string;
}

export async function listVersions(call: S3Call): Promise<void> {
  const b = parseBucket(call.bucket);
  const { pfs } = call.deps;
  const prefix = call.query.get('prefix') ?? '';
  const keyMarker = call.query.get('key-marker') ?? '';
  const max = Math.min(Number(call.query.get('max-keys') ?? 1000) || 1000, 1000);
  const head = await listingCommit(pfs, b);
  const byKey = new Map<string, Version[]>();
  let count = 0;
  let truncated = false;
  if (head) {
    walk: for await (const c of pfs.log(head.ref, { limit: HISTORY_LIMIT })) {
      const ref = { ...head.ref, target: { kind: 'commit' as const, id: c.id } };
      const time = c.finishedAt ?? c.startedAt;
      for await (const d of pfs.diff(ref)) {
        const key = d.path.slice(1);
        if (!key.startsWith(prefix) || key <= keyMarker) continue;
        if (count === max) {
          truncated = true;
          break walk;
        }
        let etag = '';
        if (d.type !== 'deleted') etag = etagOf(await pfs.inspectFile(ref, d.path as FilePath));
        const list = byKey.get(key) ?? [];
        list.push({ key, id: c.id, time, deleted: d.type === 'deleted', size: d.newSize ?? 0, etag });
        byKey.set(key, list);
        count++;
      }
    }
  }
  const keys = [...byKey.keys()].sort();
  const versions: object[] = [];
  const markers: object[] = [];
  for (const key of keys) {
    byKey.get(key)!.forEach((v, i) => {
      const common = { Key: key, VersionId: v.id, IsLatest: i === 0, LastModified: isoTime(v.time) };
      if (v.deleted) markers.push({ ...common, Owner: { ID: 'strata' } });
      else versions.push({ ...common, ETag: v.etag, Size: v.size, StorageClass: 'STANDARD' });
    });
  }
  sendXml(call, 200, xmlDocument({
    ListVersionsResult: {
      Name: b.name, Prefix: prefix, KeyMarker: keyMarker, VersionIdMarker: '', MaxKeys: max, IsTruncated: truncated,
      ...(truncated && keys.length > 0 ? { NextKeyMarker: keys.at(-1) } : {}),
      Version: versions,
      DeleteMarker: markers,
    },
  }));
}
