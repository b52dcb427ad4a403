// Answers for requests that never reach the gateway's handler, in S3's own
// error form (XML with a code and the request id) instead of fastify's or
// Node's JSON: bytes that are not HTTP/1.1 (Node's parser refuses them:
// a control character in the request line, a header section too large),
// a URL fastify cannot decode, a Content-Type that is not a media type, and
// a method no route has. Found by fuzzing the gateway
// (test/e2e/hostile-s3-fuzz.test.ts): S3 clients parse every error as XML.
import { randomBytes } from 'node:crypto';
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { S3Error } from './errors.ts';
import { errorXml } from './xml.ts';

function newRequestId(): string {
  return randomBytes(8).toString('hex').toUpperCase();
}

/** Sends `e` as S3 error XML on a request fastify is answering itself. */
export function replyS3Error(req: FastifyRequest, reply: FastifyReply, e: S3Error): FastifyReply {
  const requestId = newRequestId();
  const resource = (req.raw.url ?? '/').split('?')[0]!;
  if (!req.raw.readableEnded) req.raw.resume(); // an unread body would stall the connection
  return reply
    .code(e.status)
    .header('x-amz-request-id', requestId)
    .header('x-amz-id-2', requestId)
    .header('server', 'Strata')
    .header('content-type', 'application/xml')
    .send(req.method === 'HEAD' ? undefined : errorXml(e, resource, requestId));
}

/** A framework error (before any handler ran) as the S3 error a client can act on. */
export function frameworkS3Error(err: { code?: string; message?: string; statusCode?: number }): S3Error {
  switch (err.code) {
    case 'FST_ERR_BAD_URL':
      return new S3Error('InvalidURI', 'could not parse the request URI: bad percent-encoding');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return new S3Error('InvalidArgument', `the request's Content-Type or Content-Length header is not valid (${err.code})`);
    default:
      return err.statusCode !== undefined && err.statusCode >= 400 && err.statusCode < 500
        ? new S3Error('InvalidRequest', `the request was refused before it was routed (${err.code ?? err.statusCode})`)
        : new S3Error('InternalError', 'We encountered an internal error. Please try again.', {}, { cause: err });
  }
}

/**
 * fastify's clientErrorHandler: Node's HTTP parser refused the bytes, so
 * there is no request to reply through; write the answer on the socket
 * (as Node and fastify do) and close it.
 */
export function s3ClientErrorHandler(err: NodeJS.ErrnoException, socket: Socket): void {
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  const e =
    err.code === 'HPE_HEADER_OVERFLOW'
      ? new S3Error('RequestHeaderSectionTooLarge', 'Your request header section exceeds the maximum allowed size.')
      : err.code === 'ERR_HTTP_REQUEST_TIMEOUT' // the headers took longer than --headers-timeout-ms (server/connection-guard.ts)
        ? new S3Error('RequestTimeout', 'Your socket connection to the server was not read from or written to within the timeout period: the request headers did not arrive in time.')
        : new S3Error('InvalidRequest', `the request is not valid HTTP/1.1 (${err.code ?? 'parse error'})`);
  const requestId = newRequestId();
  const body = Buffer.from(errorXml(e, '/', requestId));
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${e.status} ${STATUS_CODES[e.status]}\r\nconnection: close\r\ncontent-type: application/xml\r\ncontent-length: ${body.length}\r\n` +
        `x-amz-request-id: ${requestId}\r\nx-amz-id-2: ${requestId}\r\nserver: Strata\r\n\r\n`,
    );
    socket.write(body);
  }
  socket.destroy(err);
}
