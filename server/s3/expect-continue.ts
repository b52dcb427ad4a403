// `Expect: 100-continue`, answered as S3 answers it: the client is told to
// send its body only once the gateway wants to read it, so a request that is
// refused (unsigned, wrong signature, no such bucket, a failed precondition)
// gets its final answer before any byte of the body travels. Node would
// otherwise say 100 Continue the moment the headers arrive. A request
// answered without reading its body was never told to continue, so Node
// closes that connection after the answer (the body was not sent on it).
// An empty `Expect` header, which S3 ignores, is served; any other value
// keeps Node's 417.
import type { IncomingMessage, Server, ServerResponse } from 'node:http';

const PENDING = Symbol('strata.s3.pending-continue');

type Waiting = IncomingMessage & { [PENDING]?: ServerResponse };

export function deferContinue(server: Server): void {
  server.on('checkContinue', (req: Waiting, res: ServerResponse) => {
    req[PENDING] = res;
    server.emit('request', req, res);
  });
  server.on('checkExpectation', (req: IncomingMessage, res: ServerResponse) => {
    if ((req.headers.expect ?? '').trim() === '') server.emit('request', req, res);
    else res.writeHead(417).end();
  });
}

/** Called before the body is first read: sends the 100 Continue the client waits for, once. */
export function continueBody(raw: unknown): void {
  const req = raw as Waiting;
  const res = req[PENDING];
  if (res === undefined) return;
  delete req[PENDING];
  if (!res.headersSent) res.writeContinue();
}
