// What every S3 handler gets: the core, the request as parsed at the edge
// (bucket, key, query), its verified signer, and small shared helpers.
import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import type { FastifyReply } from 'fastify';
import { parsePath, type FilePath } from '../../src/ids.ts';
import type { Auth, Identity } from '../../src/auth/index.ts';
import type { Pfs } from '../../src/pfs/pfs.ts';
import { isStrataError } from '../../src/errors/index.ts';
import { S3Error } from './errors.ts';
import type { Signer } from './sigv4.ts';
import type { UploadHeap } from '../upload-heap.ts';

export interface S3Deps {
  pfs: Pfs;
  region: string;
  /** The gateway's clock: signature times and objects' write times. */
  now: () => number;
  /** Told of repos made and dropped through the gateway, so their owners are set and cleared. */
  auth?: Auth;
  /** Commits ListObjectVersions walks back (default versions.ts HISTORY_LIMIT). */
  historyLimit?: number;
  /** Told while a PUT or UploadPart body streams in (V8's heap may grow meanwhile: server/upload-heap.ts). */
  uploadHeap?: UploadHeap;
}

export interface S3Call {
  deps: S3Deps;
  method: string;
  bucket: string;
  /** The object key, decoded; '' for bucket-level calls. */
  key: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  raw: IncomingMessage;
  reply: FastifyReply;
  signer?: Signer;
  /** Who the request acts as (ANONYMOUS, allowed everything, when auth is off). */
  identity: Identity;
  requestId: string;
}

export const MAX_KEY_BYTES = 1024;

/** Strata ETags are the content hash and chunk count, shaped like a multipart ETag so no client takes them for an MD5. */
export function etagOf(file: { hash?: string; chunks?: unknown[] }): string {
  return `"${file.hash ?? ''}-${file.chunks?.length ?? 0}"`;
}

/** MD5 of nothing: the ETag of a directory marker (`dir/`), which is an empty object. */
export const EMPTY_ETAG = '"d41d8cd98f00b204e9800998ecf8427e"';

let lastIsoMs = NaN;
let lastIso = '';

/**
 * ISO 8601 time of `ms`. The last one is kept: a listing page names the same
 * time for every key of a commit written without their own (put -r), and
 * formatting a Date per key was ~12% of the server's CPU for a page.
 */
export function isoTime(ms: number): string {
  if (ms === lastIsoMs) return lastIso;
  const iso = new Date(ms).toISOString();
  lastIsoMs = ms;
  lastIso = iso;
  return iso;
}

export function httpTime(ms: number): string {
  return new Date(ms).toUTCString();
}

export function header(call: S3Call, name: string): string | undefined {
  const v = call.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/** A key as a Strata path; keys that no path can be (`..`, control characters) are refused naming the problem. */
export function keyPath(key: string): FilePath {
  if (Buffer.byteLength(key) > MAX_KEY_BYTES) throw new S3Error('InvalidArgument', `the key is longer than ${MAX_KEY_BYTES} bytes`, { Key: key.slice(0, 100) });
  try {
    return parsePath(`/${key}`);
  } catch (err) {
    if (!isStrataError(err)) throw err;
    throw new S3Error('InvalidArgument', `the key cannot be a Strata path: ${err.message}`, { Key: key });
  }
}

export function sendXml(call: S3Call, status: number, xml: string): void {
  void call.reply.code(status).header('content-type', 'application/xml').send(xml);
}

/** Finished commits' times by `repo@id`, per core (a finished commit never changes; ids are never reused). */
const FINISHED_TIMES = new WeakMap<Pfs, Map<string, number>>();
const MAX_FINISHED_TIMES = 4096;

/**
 * Commit time of a commit (its start while it is open). A GET of an object
 * written without its own write time (by strata put, say) needs it on every
 * request, and inspectCommit also lists the commit's children (a store
 * scan), so the times of finished commits named by id are kept.
 */
export async function commitTime(pfs: Pfs, ref: Parameters<Pfs['inspectCommit']>[0]): Promise<number> {
  const key = ref.target.kind === 'commit' && ref.ancestry === null ? `${ref.repo}@${ref.target.id}` : undefined;
  let times = FINISHED_TIMES.get(pfs);
  const known = key === undefined ? undefined : times?.get(key);
  if (known !== undefined) return known;
  const c = await pfs.inspectCommit(ref);
  if (key !== undefined && c.finishedAt !== undefined && c.finishedAt !== null) {
    if (!times) FINISHED_TIMES.set(pfs, (times = new Map()));
    if (times.size >= MAX_FINISHED_TIMES) times.delete(times.keys().next().value!); // the oldest entry
    times.set(key, c.finishedAt);
  }
  return c.finishedAt ?? c.startedAt;
}
