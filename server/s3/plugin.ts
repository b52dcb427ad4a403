// The S3 gateway: a fastify app on its own port. Every request is
// authenticated (SigV4 header or presigned URL, unless no keys are
// configured), routed by method, bucket, key and sub-resource to a thin
// handler that calls the core, and failures answer as S3 error XML with the
// request id. Bodies are never parsed by fastify: handlers stream them.
import { randomBytes } from 'node:crypto';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { Pfs } from '../../src/pfs/pfs.ts';
import { bucketLocation, bucketVersioning, putBucketVersioning, createBucket, deleteBucket, headBucket, listBuckets, listObjects } from './buckets.ts';
import { parseBucket } from './bucket-names.ts';
import type { S3Call } from './context.ts';
import { notImplemented, S3Error, toS3Error } from './errors.ts';
import { errorXml } from './xml.ts';
import { guardConnections, type ConnectionGuardEvents, type ConnectionLimits } from '../connection-guard.ts';
import { frameworkS3Error, replyS3Error, s3ClientErrorHandler } from './framework-errors.ts';
import type { S3KeyLookup } from './keys.ts';
import { identityOf, requireAccess, tokenKeys } from './access.ts';
import type { Auth } from '../../src/auth/index.ts';
import { abortUpload, completeUpload, createUpload, listParts, listUploads, uploadPart, uploadPartCopy } from './multipart.ts';
import { getObject, getObjectAttributes } from './object-reads.ts';
import { copyObject, putObject } from './object-writes.ts';
import { deleteObject, deleteObjects } from './object-deletes.ts';
import { authKind, decodeComponent, verifyHeaderAuth, verifyPresigned, type Signer } from './sigv4.ts';
import { listVersions } from './versions.ts';
import { deferContinue } from './expect-continue.ts';
import type { Server } from 'node:http';
import type { UploadHeap } from '../upload-heap.ts';

export interface S3GatewayDeps {
  pfs: Pfs;
  /** The configured key pairs, used while auth is off. */
  keys: S3KeyLookup;
  /** The auth system: once it is active, access keys are its tokens and every request is checked against its roles. */
  auth?: Auth;
  /** The region the gateway reports (GetBucketLocation); signatures for any region are accepted. */
  region?: string;
  log?: { warn(obj: object, msg?: string): void; info(obj: object, msg?: string): void };
  now?: () => number;
  /** Serve HTTPS with this certificate and key (the server's --tls-*); with `ca`, clients must present a certificate it signed. */
  tls?: { cert: Buffer; key: Buffer; ca?: Buffer };
  /** Commits ListObjectVersions walks back (default 1,000). */
  historyLimit?: number;
  /** Slow-loris limits (server/connection-guard.ts); left out, Node's and fastify's defaults. */
  connections?: ConnectionLimits & ConnectionGuardEvents;
  /** The process's upload heap (server/upload-heap.ts), told while object bodies stream in; left out, V8's heap settings stay as they are. */
  uploadHeap?: UploadHeap;
}

type Handler = (call: S3Call) => Promise<void>;

/** Sub-resources we do not serve: asking for one is NotImplemented, not a silent listing. */
const UNSUPPORTED = ['acl', 'policy', 'cors', 'lifecycle', 'tagging', 'website', 'replication', 'encryption', 'logging', 'notification', 'object-lock', 'retention', 'legal-hold', 'torrent', 'restore', 'select', 'accelerate', 'requestPayment', 'analytics', 'inventory', 'metrics', 'intelligent-tiering', 'ownershipControls', 'publicAccessBlock'];

function route(call: S3Call): Handler {
  const q = call.query;
  const m = call.method;
  const unsupported = UNSUPPORTED.find((s) => q.has(s));
  if (unsupported) return async () => { throw notImplemented(`${m} ?${unsupported}`, `the ?${unsupported} sub-resource is not implemented by the Strata gateway`); };
  if (!call.bucket) {
    if (m === 'GET') return listBuckets;
  } else if (!call.key) {
    if (m === 'GET' && q.has('location')) return bucketLocation;
    if (m === 'GET' && q.has('versioning')) return bucketVersioning;
    if (m === 'GET' && q.has('uploads')) return listUploads;
    if (m === 'GET' && q.has('versions')) return listVersions;
    if (m === 'GET') return (c) => listObjects(c, q.get('list-type') === '2' ? 2 : 1);
    if (m === 'HEAD') return headBucket;
    if (m === 'PUT' && q.has('versioning')) return putBucketVersioning;
    if (m === 'PUT' && q.size === 0) return createBucket;
    if (m === 'DELETE' && q.size === 0) return deleteBucket;
    if (m === 'POST' && q.has('delete')) return deleteObjects;
  } else {
    if (m === 'GET' && q.has('uploadId')) return listParts;
    if (m === 'GET' && q.has('attributes')) return getObjectAttributes;
    if (m === 'GET' || m === 'HEAD') return (c) => getObject(c, m === 'HEAD');
    if (m === 'PUT' && q.has('uploadId')) return call.headers['x-amz-copy-source'] ? uploadPartCopy : uploadPart;
    if (m === 'PUT') return call.headers['x-amz-copy-source'] ? copyObject : putObject;
    if (m === 'POST' && q.has('uploads')) return createUpload;
    if (m === 'POST' && q.has('uploadId')) return completeUpload;
    if (m === 'DELETE' && q.has('uploadId')) return abortUpload;
    if (m === 'DELETE') return deleteObject;
  }
  return async () => { throw new S3Error('MethodNotAllowed', `${m} is not allowed on this resource`); };
}

async function authenticate(deps: S3GatewayDeps, req: FastifyRequest, rawPath: string, rawQuery: string, query: URLSearchParams): Promise<Signer | undefined> {
  const signed = { method: req.method, rawPath, rawQuery, rawHeaders: req.raw.rawHeaders };
  const kind = authKind(signed, query);
  const now = (deps.now ?? Date.now)();
  // Read per request, as the auth system does: activation applies from the next request on.
  const keys = deps.auth && (await deps.auth.isActive()) ? tokenKeys(deps.auth) : deps.keys;
  // S3's own answer in the regions that take only Signature Version 4.
  if (kind === 'v2') throw new S3Error('InvalidRequest', 'The authorization mechanism you have provided is not supported. Please use AWS4-HMAC-SHA256.');
  if (kind === 'none') {
    if (keys.open) return undefined;
    throw new S3Error('AccessDenied', 'Access Denied: the request is not signed (configure an access key and secret in your client)');
  }
  if (keys.open) return undefined; // no keys configured: signatures are not checked
  return kind === 'header' ? verifyHeaderAuth(signed, keys, now) : verifyPresigned(signed, query, keys, now);
}

/** With auth on, every write (and every refused one) leaves one audit record, as the other transports do. */
async function auditWrite(deps: S3GatewayDeps, call: S3Call, err: S3Error | undefined): Promise<void> {
  if (!deps.auth || !call.signer?.identity.identity || call.method === 'GET' || call.method === 'HEAD') return;
  let repo = null;
  try {
    repo = call.bucket ? parseBucket(call.bucket).repo : null;
  } catch {
    // an invalid bucket name: no repo to name
  }
  await deps.auth.audit.record({
    subject: call.identity.subject,
    method: `S3 ${call.method}${[...call.query.keys()].filter((k) => ['uploads', 'uploadId', 'delete'].includes(k)).map((k) => ` ?${k}`).join('')}`,
    repo,
    outcome: err === undefined ? 'ok' : err.code === 'AccessDenied' ? 'denied' : 'failed',
    code: err?.code ?? null,
    detail: { bucket: call.bucket, ...(call.key ? { key: call.key } : {}) },
    requestId: call.requestId,
  });
}

/** S3's answer to a CORS preflight where no CORS rule allows it: 400 without the preflight headers, else 403. */
function corsPreflightError(req: FastifyRequest): S3Error {
  if (!req.headers.origin) return new S3Error('BadRequest', 'Insufficient information. Origin request header needed.');
  const method = req.headers['access-control-request-method'];
  if (!method) return new S3Error('BadRequest', 'Invalid Access-Control-Request-Method: null');
  return new S3Error('AccessForbidden', 'CORSResponse: CORS is not enabled for this bucket.', { Method: String(method), ResourceType: 'BUCKET' });
}

export function createS3App(deps: S3GatewayDeps): FastifyInstance {
  const https = deps.tls ? { https: { cert: deps.tls.cert, key: deps.tls.key, ...(deps.tls.ca ? { ca: deps.tls.ca, requestCert: true, rejectUnauthorized: true } : {}) } } : {};
  const app = Fastify({
    logger: false,
    exposeHeadRoutes: false,
    routerOptions: { maxParamLength: 4096 },
    bodyLimit: 1 << 20,
    // No total time per request (a 10 GiB upload takes what it takes): the connection guard's idle timer instead.
    requestTimeout: 0,
    // What never reaches `handle` still answers as S3 does (framework-errors.ts).
    clientErrorHandler: s3ClientErrorHandler,
    frameworkErrors: (err, req, reply) => replyS3Error(req, reply, frameworkS3Error(err)),
    ...https,
  }) as unknown as FastifyInstance;
  if (deps.connections) guardConnections(app, deps.connections, deps.connections);
  deferContinue(app.server as Server);
  // An empty Content-Type (boto3's ContentType='') is no media type to fastify, which would refuse the
  // request before the gateway sees it; S3 takes it as none. The signature is checked over rawHeaders, unchanged.
  app.addHook('onRequest', (req, _reply, done) => {
    if (typeof req.headers['content-type'] === 'string' && req.headers['content-type'].trim() === '') delete req.headers['content-type'];
    done();
  });
  app.setErrorHandler((err, req, reply) => replyS3Error(req, reply, frameworkS3Error(err as { code?: string; statusCode?: number })));
  app.setNotFoundHandler((req, reply) => replyS3Error(req, reply, new S3Error('MethodNotAllowed', `${req.method} is not allowed on this resource`)));
  app.removeAllContentTypeParsers();
  // Leave every body unread on the request: handlers stream it themselves.
  app.addContentTypeParser('*', (_req, _payload, done) => done(null, undefined));
  const region = deps.region ?? 'us-east-1';

  // A NotImplemented is a client asking for what we do not do, not a fault:
  // say so once per operation (the names come from our code, so the set is bounded).
  const notImplementedSeen = new Set<string>();
  const noteNotImplemented = (e: S3Error, requestId: string): void => {
    const operation = e.operation ?? 'other';
    if (notImplementedSeen.has(operation)) return;
    notImplementedSeen.add(operation);
    deps.log?.info({ operation, requestId }, `s3 gateway: a client asked for ${operation}, which is not implemented (answered 501 NotImplemented; said once per operation)`);
  };

  // Returns the reply: fastify then waits for what the handler sent (a stream may still be flowing).
  const handle = async (req: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> => {
    const requestId = randomBytes(8).toString('hex').toUpperCase();
    reply.header('x-amz-request-id', requestId).header('x-amz-id-2', requestId).header('server', 'Strata');
    const url = req.raw.url ?? '/';
    const qAt = url.indexOf('?');
    const rawPath = qAt < 0 ? url : url.slice(0, qAt);
    const rawQuery = qAt < 0 ? '' : url.slice(qAt + 1);
    let resource = rawPath;
    let call: S3Call | undefined;
    try {
      const query = new URLSearchParams(rawQuery);
      const path = decodeComponent(rawPath);
      resource = path;
      const slash = path.indexOf('/', 1);
      const bucket = slash < 0 ? path.slice(1) : path.slice(1, slash);
      const key = slash < 0 ? '' : path.slice(slash + 1);
      const signer = await authenticate(deps, req, rawPath, rawQuery, query);
      call = { deps: { pfs: deps.pfs, region, now: deps.now ?? Date.now, auth: deps.auth, historyLimit: deps.historyLimit, uploadHeap: deps.uploadHeap }, method: req.method, bucket, key, query, headers: req.headers, raw: req.raw, reply, signer, identity: identityOf(signer?.identity), requestId };
      requireAccess(call);
      await route(call)(call);
      await auditWrite(deps, call, undefined).catch((auditErr: unknown) => deps.log?.warn({ err: auditErr, requestId }, 's3 gateway: audit record failed'));
      return reply;
    } catch (err) {
      const e = toS3Error(err);
      if (call) await auditWrite(deps, call, e).catch((auditErr: unknown) => deps.log?.warn({ err: auditErr, requestId }, 's3 gateway: audit record failed'));
      if (e.code === 'NotImplemented') noteNotImplemented(e, requestId);
      else if (e.status >= 500) deps.log?.warn({ err: e.cause ?? e, requestId, method: req.method, url }, 's3 gateway: request failed');
      if (reply.sent || reply.raw.headersSent) {
        req.raw.destroy(); // the response already started: cut the connection so the client sees the failure
        return reply;
      }
      if (e.code === 'InvalidRange') reply.header('content-range', `bytes */${e.extra.ActualObjectSize ?? '*'}`);
      // A body the handler never read would stall the connection: drain it.
      if (!req.raw.readableEnded) req.raw.resume();
      return reply.code(e.status).header('content-type', 'application/xml').send(req.method === 'HEAD' ? undefined : errorXml(e, resource, requestId));
    }
  };
  // OPTIONS is a browser's CORS preflight, unsigned: answered as S3 answers it for a bucket without a CORS configuration (CORS is not implemented).
  const preflight = async (req: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> => replyS3Error(req, reply, corsPreflightError(req));
  app.route({ method: 'OPTIONS', url: '/*', handler: preflight });
  app.route({ method: 'OPTIONS', url: '/', handler: preflight });
  app.route({ method: ['GET', 'HEAD', 'PUT', 'POST', 'DELETE'], url: '/*', handler: handle });
  app.route({ method: ['GET', 'HEAD', 'PUT', 'POST', 'DELETE'], url: '/', handler: handle });
  return app;
}
