// A trivial HTTP server that takes uploads as S3 would answer them and keeps
// nothing: PutObject, CreateMultipartUpload, UploadPart and
// CompleteMultipartUpload, no signature checks, no hashing, no storage. Its
// own cost is a socket read per 64 KiB, so an S3 client's PUT rate against it
// is that client's ceiling on this machine (bench/s3.ts and
// bench/s3-put-costs.ts show it beside the gateway's figures, in the same run).
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface PutSinkServer {
  /** HOST:PORT */
  address: string;
  /** Body bytes received so far. */
  received(): number;
  stop(): Promise<void>;
}

const XML = { 'content-type': 'application/xml' };

export async function startPutSink(): Promise<PutSinkServer> {
  let received = 0;
  const server: Server = createServer((req, res) => {
    req.on('data', (b: Buffer) => void (received += b.length));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://sink');
      const [, bucket = '', key = ''] = /^\/([^/]*)\/?(.*)$/.exec(url.pathname) ?? [];
      if (req.method === 'POST' && url.searchParams.has('uploads')) {
        res.writeHead(200, XML).end(`<?xml version="1.0" encoding="UTF-8"?><InitiateMultipartUploadResult><Bucket>${bucket}</Bucket><Key>${key}</Key><UploadId>sink</UploadId></InitiateMultipartUploadResult>`);
      } else if (req.method === 'POST') {
        res.writeHead(200, XML).end(`<?xml version="1.0" encoding="UTF-8"?><CompleteMultipartUploadResult><Bucket>${bucket}</Bucket><Key>${key}</Key><ETag>"sink"</ETag></CompleteMultipartUploadResult>`);
      } else if (req.method === 'PUT') {
        res.writeHead(200, { etag: '"sink"' }).end();
      } else {
        res.writeHead(404, XML).end('<Error><Code>NoSuchKey</Code></Error>');
      }
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    address: `127.0.0.1:${port}`,
    received: () => received,
    stop: async () => {
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };
}
