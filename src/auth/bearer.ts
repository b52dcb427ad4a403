// The token of a request, from an `authorization: Bearer <token>` header or
// gRPC metadata entry; one parser for every transport.
import { StrataError } from '../errors/index.ts';

/** undefined when there is no header; UNAUTHENTICATED for a header that is not `Bearer <token>`. */
export function bearerToken(header: string | undefined): string | undefined {
  if (header === undefined || header === '') return undefined;
  const match = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header);
  if (!match) throw new StrataError('UNAUTHENTICATED', 'the authorization header must be "Bearer <token>"');
  return match[1];
}
