// The control socket of a running mount: `strata mount --flush DIR` and
// `strata unmount DIR` ask the process serving DIR to flush or unmount and
// wait for its answer. One JSON request line, one JSON answer line.
import { createConnection, createServer, type Server } from 'node:net';
import { rm } from 'node:fs/promises';
import { ERROR_CODES, StrataError, isStrataError, type ErrorCode } from '../../src/errors/index.ts';

export type ControlRequest = { op: 'flush' } | { op: 'unmount' } | { op: 'status' };
export type ControlAnswer = { ok: true; result: unknown } | { ok: false; error: { code: string; message: string } };

export async function serveControl(socket: string, handle: (req: ControlRequest) => Promise<unknown>): Promise<Server> {
  await rm(socket, { force: true });
  const server = createServer((conn) => {
    let buffered = '';
    conn.setEncoding('utf8');
    conn.on('error', () => undefined);
    conn.on('data', (text: string) => {
      buffered += text;
      const nl = buffered.indexOf('\n');
      if (nl < 0) return;
      const line = buffered.slice(0, nl);
      buffered = '';
      void answer(line).then((a) => conn.end(`${JSON.stringify(a)}\n`));
    });
  });
  const answer = async (line: string): Promise<ControlAnswer> => {
    try {
      const req = JSON.parse(line) as ControlRequest;
      if (!['flush', 'unmount', 'status'].includes(req?.op)) throw new StrataError('INVALID_ARGUMENT', `unknown control request ${line}`);
      return { ok: true, result: await handle(req) };
    } catch (err) {
      const code = isStrataError(err) ? err.code : 'INTERNAL';
      return { ok: false, error: { code, message: err instanceof Error ? err.message : String(err) } };
    }
  };
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(socket, () => resolve());
  });
  server.unref();
  return server;
}

/**
 * Sends a request to the mount's control socket and waits for the answer.
 * Resolves undefined when no mount process listens there.
 */
export function askControl(socket: string, req: ControlRequest): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const conn = createConnection(socket);
    let text = '';
    conn.setEncoding('utf8');
    conn.on('data', (t: string) => (text += t));
    conn.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT' || err.code === 'ECONNREFUSED') resolve(undefined);
      else reject(err);
    });
    conn.on('end', () => {
      try {
        const a = JSON.parse(text) as ControlAnswer;
        if (a.ok) resolve(a.result);
        else reject(new StrataError((a.error.code in ERROR_CODES ? a.error.code : 'INTERNAL') as ErrorCode, a.error.message));
      } catch {
        const what = text.trim() === '' ? 'closed the connection without answering (did it exit?)' : `answered "${text.trim()}"`;
        reject(new StrataError('INTERNAL', `the mount process ${what}`));
      }
    });
    conn.write(`${JSON.stringify(req)}\n`);
  });
}
