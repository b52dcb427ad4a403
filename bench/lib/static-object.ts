// A trivial HTTP server that answers as S3 would for one object held in
// memory: HEAD and GET (whole or one Range) of /BUCKET/KEY, no signature
// checks, no storage, no hashing. Its own cost is almost nothing, so an S3
// client's rate against it is that client's ceiling on this machine
// (bench/s3.ts shows it beside the gateway's figures, in the same run).
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface StaticObjectServer {
  /** HOST:PORT */
  address: string;
  stop(): Promise<void>;
}

export async function startStaticObject(path: string, bytes: Buffer): Promise<StaticObjectServer> {
  const modified = new Date().toUTCString();
  const server: Server = createServer((req, res) => {
    const base = { 'last-modified': modified, etag: '"static-object"', 'accept-ranges': 'bytes', 'content-type': 'application/octet-stream' };
    if ((req.url ?? '').split('?')[0] !== path || (req.method !== 'GET' && req.method !== 'HEAD')) {
      res.writeHead(404, { 'content-type': 'application/xml' }).end('<Error><Code>NoSuchKey</Code></Error>');
      return;
    }
    const m = /^bytes=(\d+)-(\d*)$/.exec(req.headers.range ?? '');
    const start = m ? Number(m[1]) : 0;
    const end = m && m[2] !== '' ? Math.min(Number(m[2]), bytes.length - 1) : bytes.length - 1;
    const headers = { ...base, 'content-length': String(end - start + 1), ...(m ? { 'content-range': `bytes ${start}-${end}/${bytes.length}` } : {}) };
    res.writeHead(m ? 206 : 200, headers);
    res.end(req.method === 'HEAD' ? undefined : bytes.subarray(start, end + 1));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    address: `127.0.0.1:${port}`,
    stop: async () => {
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };
}
