// ListObjectVersions: a key's versions are the commits of the bucket's
// history that changed it, newest first; a commit that deleted it shows as
// a delete marker. The history walked is bounded (HISTORY_LIMIT commits back
// from the head, MAX_VERSIONS_SCANNED versions); pages resume after
// (key-marker, version-id-marker).
import { compareCodePoints, parsePath, type CommitId } from '../../src/ids.ts';
import { parseBucket } from './bucket-names.ts';
import { listingCommit } from './buckets.ts';
import { listKeys } from './list.ts';
import { etagOf, isoTime, sendXml, type S3Call } from './context.ts';
import { modifiedAt } from './metadata.ts';
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

/** Versions gathered from the history before a page is cut: bounds memory on histories of huge commits. */
export const MAX_VERSIONS_SCANNED = 100_000;

export async function listVersions(call: S3Call): Promise<void> {
  const b = parseBucket(call.bucket);
  const { pfs } = call.deps;
  const prefix = call.query.get('prefix') ?? '';
  const keyMarker = call.query.get('key-marker') ?? '';
  const versionMarker = call.query.get('version-id-marker') ?? '';
  const max = Math.min(Number(call.query.get('max-keys') ?? 1000) || 1000, 1000);
  const head = await listingCommit(pfs, b);
  // Every version after the marker, then sorted: by key, and newest first within a key (the walk's order).
  const byKey = new Map<string, Version[]>();
  let scanned = 0;
  if (head) {
    walk: for await (const c of pfs.log(head.ref, { limit: call.deps.historyLimit ?? HISTORY_LIMIT })) {
      const ref = { ...head.ref, target: { kind: 'commit' as const, id: c.id } };
      const time = c.finishedAt ?? c.startedAt;
      for await (const d of pfs.diff(ref)) {
        const key = d.path.slice(1);
        if (!key.startsWith(prefix) || compareCodePoints(key, keyMarker) < 0 || (key === keyMarker && !versionMarker)) continue;
        if (++scanned > MAX_VERSIONS_SCANNED) break walk;
        const list = byKey.get(key) ?? [];
        list.push({ key, id: c.id, time, deleted: d.type === 'deleted', size: d.newSize ?? 0, etag: d.newHash ?? '' });
        byKey.set(key, list);
      }
    }
  }
  if (head && head.ref.target.kind === 'commit') {
    // A key last changed before the walked history still has its current version: the head commit
    // (reading it gives the same bytes). Without it a client that deletes every listed version
    // (s3-tests' cleanup, rclone purge) could never empty a bucket of long history.
    const headId = head.ref.target.id;
    let seen = 0;
    for await (const item of listKeys(pfs, head.ref, prefix, undefined, keyMarker === '' ? undefined : keyMarker)) {
      if (!('key' in item)) continue;
      if (++seen > max + 1) break; // enough to fill this page: later keys sort after it
      if (byKey.has(item.key)) continue;
      byKey.set(item.key, [{ key: item.key, id: headId, time: head.time, deleted: false, size: item.file.size ?? 0, etag: item.file.hash ?? '' }]);
    }
  }
  const all: (Version & { latest: boolean })[] = [];
  for (const key of [...byKey.keys()].sort(compareCodePoints)) {
    const list = byKey.get(key)!;
    let from = 0;
    if (key === keyMarker) from = list.findIndex((v) => v.id === versionMarker) + 1; // resume after the marker's version
    list.forEach((v, i) => i >= from && all.push({ ...v, latest: i === 0 }));
  }
  const page = all.slice(0, max);
  const truncated = all.length > max;
  const versions: object[] = [];
  const markers: object[] = [];
  for (const v of page) {
    const common = { Key: v.key, VersionId: v.id, IsLatest: v.latest, LastModified: isoTime(v.time) };
    if (v.deleted) {
      markers.push({ ...common, Owner: { ID: 'strata' } });
      continue;
    }
    // The ETag the object had in that commit (content hash and chunk count, as GetObject shows it).
    const info = await pfs.inspectFile({ ...head!.ref, target: { kind: 'commit', id: v.id } }, parsePath(`/${v.key}`));
    versions.push({ ...common, LastModified: isoTime(modifiedAt(info, v.time)), ETag: etagOf(info), Size: v.size, StorageClass: 'STANDARD' });
  }
  const last = page.at(-1);
  sendXml(call, 200, xmlDocument({
    ListVersionsResult: {
      Name: b.name, Prefix: prefix, KeyMarker: keyMarker, VersionIdMarker: versionMarker, MaxKeys: max, IsTruncated: truncated,
      ...(truncated && last ? { NextKeyMarker: last.key, NextVersionIdMarker: last.id } : {}),
      Version: versions,
      DeleteMarker: markers,
    },
  }));
}
