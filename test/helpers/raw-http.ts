// HTTP/1.1 over a bare TCP socket, for hostile-input tests: the request goes
// out byte for byte as given (no client library fixes up a path with NUL,
// raw non-UTF-8 bytes or a lying Content-Length), and the answer is read
// until the server closes the connection (every request says
// `connection: close`). What comes back is one of: a parsed response, the
// connection closed with no response, or nothing at all within the timeout
// (a hang).
import { connect } from 'node:net';

export interface RawResponse {
  kind: 'response';
  status: number;
  /** Header names lower-cased; repeated headers joined with ', '. */
  headers: Record<string, string>;
  body: Buffer;
}

export type RawOutcome = RawResponse | { kind: 'closed'; error?: string } | { kind: 'hang' };

export interface RawRequest {
  method: string;
  /** The request target as sent: path and query, already percent-encoded (or deliberately not). */
  target: string;
  /** Header lines in order; values are written as Latin-1, so any byte 0-255 can be sent. */
  headers: [string, string][];
  body?: Buffer;
  /** Stop sending after this many body bytes and half-close (a client that vanished mid-body). */
  cutBodyAt?: number;
}

/** The request's bytes: request line, headers (plus host and connection: close), blank line, body. */
export function requestBytes(req: RawRequest, host: string): Buffer {
  const lines = [`${req.method} ${req.target} HTTP/1.1`, `host: ${host}`, 'connection: close', ...req.headers.map(([k, v]) => `${k}: ${v}`)];
  const head = Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1');
  const body = req.body ?? Buffer.alloc(0);
  return Buffer.concat([head, req.cutBodyAt === undefined ? body : body.subarray(0, req.cutBodyAt)]);
}

function dechunk(data: Buffer): Buffer {
  const out: Buffer[] = [];
  let at = 0;
  for (;;) {
    const eol = data.indexOf('\r\n', at);
    if (eol < 0) break;
    const size = parseInt(data.toString('latin1', at, eol).split(';')[0]!, 16);
    if (!(size > 0)) break;
    out.push(data.subarray(eol + 2, eol + 2 + size));
    at = eol + 2 + size + 2;
  }
  return Buffer.concat(out);
}

/** Parses a whole HTTP/1.1 response (the bytes up to the server's close); undefined if it is not one. */
export function parseResponse(data: Buffer): RawResponse | undefined {
  // Interim answers (100 Continue to an `expect` header) come before the real one.
  while (/^HTTP\/1\.[01] 1\d\d /.test(data.toString('latin1', 0, 16))) {
    const interimEnd = data.indexOf('\r\n\r\n');
    if (interimEnd < 0) return undefined;
    data = data.subarray(interimEnd + 4);
  }
  const end = data.indexOf('\r\n\r\n');
  if (end < 0) return undefined;
  const [statusLine, ...lines] = data.toString('latin1', 0, end).split('\r\n');
  const m = /^HTTP\/1\.[01] (\d{3})/.exec(statusLine ?? '');
  if (!m) return undefined;
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    headers[name] = headers[name] === undefined ? value : `${headers[name]}, ${value}`;
  }
  let body = data.subarray(end + 4);
  if (/chunked/i.test(headers['transfer-encoding'] ?? '')) body = dechunk(body);
  else if (headers['content-length'] !== undefined) body = body.subarray(0, Number(headers['content-length']));
  return { kind: 'response', status: Number(m[1]), headers, body };
}

/** Sends one request on its own connection and reads until the server closes it. */
export function rawRequest(address: string, req: RawRequest, timeoutMs: number): Promise<RawOutcome> {
  const colon = address.lastIndexOf(':');
  const host = address.slice(0, colon);
  const port = Number(address.slice(colon + 1));
  return new Promise((resolve) => {
    const received: Buffer[] = [];
    let error: string | undefined;
    let settled = false;
    const socket = connect({ host, port, allowHalfOpen: true });
    const finish = (outcome: RawOutcome): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(outcome);
    };
    const timer = setTimeout(() => finish({ kind: 'hang' }), timeoutMs);
    socket.on('data', (d: Buffer) => received.push(d));
    // A server that answers early and closes makes our write fail (EPIPE, ECONNRESET): what it sent still counts.
    socket.on('error', (e) => (error = (e as NodeJS.ErrnoException).code ?? e.message));
    // The server ending its side is the end of the answer (we keep ours open to send a body, hence allowHalfOpen).
    const done = (): void => finish(parseResponse(Buffer.concat(received)) ?? { kind: 'closed', error });
    socket.on('end', done);
    socket.on('close', done);
    socket.on('connect', () => {
      socket.write(requestBytes(req, address));
      if (req.cutBodyAt !== undefined) socket.end();
    });
  });
}
