// XML in and out. fast-xml-parser (well kept, no native code, streaming-free
// but our documents are small and bounded) builds the responses with proper
// escaping and parses the few XML request bodies (CompleteMultipartUpload,
// Delete, CreateBucketConfiguration); hand-written string building gets
// escaping of keys wrong too easily.
import { XMLBuilder, XMLParser } from 'fast-xml-parser';
import { S3Error } from './errors.ts';

export const S3_NS = 'http://s3.amazonaws.com/doc/2006-03-01/';

const builder = new XMLBuilder({ ignoreAttributes: false, attributeNamePrefix: '@', suppressEmptyNode: false, processEntities: true });

const parser = new XMLParser({
  ignoreAttributes: true,
  parseTagValue: false,
  trimValues: true,
  removeNSPrefix: true,
  isArray: (name) => name === 'Part' || name === 'Object',
  processEntities: true,
  htmlEntities: false,
});

/** Largest XML request body read (a Delete of 1,000 long keys fits with room). */
export const MAX_XML_BODY = 4 << 20;

/** One XML document; the single root element gets the S3 namespace. */
export function xmlDocument(root: Record<string, unknown>): string {
  const [name, body] = Object.entries(root)[0]!;
  const withNs = name === 'Error' ? body : { '@xmlns': S3_NS, ...(body as object) };
  return `<?xml version="1.0" encoding="UTF-8"?>\n${builder.build({ [name]: withNs }) as string}`;
}

export async function readXmlBody(body: AsyncIterable<Uint8Array>): Promise<Record<string, unknown>> {
  const parts: Uint8Array[] = [];
  let size = 0;
  for await (const b of body) {
    size += b.length;
    if (size > MAX_XML_BODY) throw new S3Error('MalformedXML', `the XML request body is larger than ${MAX_XML_BODY} bytes`);
    parts.push(b);
  }
  const text = Buffer.concat(parts).toString('utf8');
  if (text.trim() === '') return {};
  try {
    return parser.parse(text, true) as Record<string, unknown>;
  } catch (err) {
    throw new S3Error('MalformedXML', `the XML you provided was not well-formed: ${(err as Error).message}`, {}, { cause: err });
  }
}

export function errorXml(err: S3Error, resource: string, requestId: string): string {
  return xmlDocument({ Error: { Code: err.code, Message: err.message, ...err.extra, Resource: resource, RequestId: requestId } });
}
