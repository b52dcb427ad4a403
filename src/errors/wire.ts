// How a StrataError travels over gRPC, both ways, without importing gRPC:
// the server turns an error into {code, details, metadata} (status code by
// kind via KIND_TABLE, the stable code and JSON data in trailing metadata),
// and the SDK turns such a status back into the same typed error. Plain
// objects only, so client code imports this without any server code.
import { ERROR_CODES, type ErrorCode } from './codes.ts';
import { KIND_TABLE } from './kinds.ts';
import { StrataError, type ErrorData } from './strata-error.ts';

/** Trailing metadata key holding the stable error code. */
export const ERROR_CODE_KEY = 'strata-error-code';
/** Trailing metadata key holding the error's data as a JSON object. */
export const ERROR_DATA_KEY = 'strata-error-data';

/** A gRPC status as plain values: numeric code, message, ASCII metadata. */
export interface WireStatus {
  code: number;
  details: string;
  metadata: Record<string, string>;
}

/** The gRPC status names, by number (grpc's status.proto). */
export const GRPC_STATUS_NAMES: readonly string[] = Object.freeze([
  'OK', 'CANCELLED', 'UNKNOWN', 'INVALID_ARGUMENT', 'DEADLINE_EXCEEDED', 'NOT_FOUND', 'ALREADY_EXISTS', 'PERMISSION_DENIED',
  'RESOURCE_EXHAUSTED', 'FAILED_PRECONDITION', 'ABORTED', 'OUT_OF_RANGE', 'UNIMPLEMENTED', 'INTERNAL', 'UNAVAILABLE', 'DATA_LOSS', 'UNAUTHENTICATED',
]);

// A status without a (known) Strata code becomes the generic code of its kind.
const STATUS_FALLBACK: Readonly<Record<number, ErrorCode>> = Object.freeze({
  1: 'CANCELLED',
  2: 'INTERNAL',
  3: 'INVALID_ARGUMENT',
  4: 'DEADLINE_EXCEEDED',
  5: 'NOT_FOUND',
  6: 'ALREADY_EXISTS',
  7: 'PERMISSION_DENIED',
  8: 'RESOURCE_EXHAUSTED',
  9: 'FAILED_PRECONDITION',
  10: 'ABORTED',
  11: 'INVALID_ARGUMENT',
  12: 'UNIMPLEMENTED',
  13: 'INTERNAL',
  14: 'UNAVAILABLE',
  15: 'DATA_LOSS',
  16: 'UNAUTHENTICATED',
});

/** JSON with every non-printable-ASCII character escaped, so it is a legal gRPC metadata value. */
function asciiJson(value: unknown, replacer?: (key: string, value: unknown) => unknown): string {
  return JSON.stringify(value, replacer).replace(/[^\x20-\x7e]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

// Trailers must fit the client's metadata limit (grpc-js: 8 KiB by default).
// A longer one is never delivered and the client waits until its deadline,
// so an error quoting a 50 KB path would hang the caller (found fuzzing).
// The message is percent-encoded on the wire (up to 12 bytes a character).
const MAX_DETAILS_CHARS = 400;
const MAX_DATA_STRING_CHARS = 200;
const MAX_DATA_JSON_BYTES = 2048;

/** Cut to `max` characters, lone surrogates replaced: gRPC's percent-encoding of the message throws on them. */
function cut(s: string, max: number): string {
  return (s.length > max ? `${s.slice(0, max)}…` : s).replace(/\p{Surrogate}/gu, '\uFFFD');
}

/** The data as metadata: long strings cut, and only `{ truncated: true }` if it is still too big. */
function dataJson(data: ErrorData): string {
  const json = asciiJson(data, (_k, v: unknown) => (typeof v === 'string' ? cut(v, MAX_DATA_STRING_CHARS) : v));
  return json.length <= MAX_DATA_JSON_BYTES ? json : asciiJson({ truncated: true });
}

/** The status a StrataError travels as. */
export function encodeWireError(err: StrataError): WireStatus {
  return {
    code: KIND_TABLE[err.kind].grpc,
    details: cut(err.message, MAX_DETAILS_CHARS),
    metadata: { [ERROR_CODE_KEY]: err.code, [ERROR_DATA_KEY]: dataJson(err.data) },
  };
}

/** The status any other failure travels as: INTERNAL with a generic message (the details stay in the server log). */
export function internalWireError(requestId: string): WireStatus {
  return {
    code: KIND_TABLE.Internal.grpc,
    details: `internal server error (request ${requestId}; see the server log)`,
    metadata: { [ERROR_CODE_KEY]: 'INTERNAL', [ERROR_DATA_KEY]: asciiJson({ requestId }) },
  };
}

function isErrorCode(s: unknown): s is ErrorCode {
  return typeof s === 'string' && Object.hasOwn(ERROR_CODES, s);
}

/** First value of a metadata entry, as text (gRPC gives strings, Buffers or arrays of them). */
function metadataText(value: unknown): string | undefined {
  const first = Array.isArray(value) ? value[0] : value;
  if (typeof first === 'string') return first;
  if (first instanceof Uint8Array) return Buffer.from(first).toString('utf8');
  return undefined;
}

function parseData(text: string | undefined): ErrorData {
  if (!text) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return {};
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return {};
  const data: ErrorData = {};
  for (const [k, v] of Object.entries(parsed)) {
    if (v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') data[k] = v;
  }
  return data;
}

/**
 * Rebuilds the error a failed call carried. With a known `strata-error-code`
 * it is the same code (hence kind), message and data the server had; other
 * statuses (from gRPC itself, a proxy, a newer server) get the generic code
 * of their status, with the status name and any unknown code in data.
 */
export function decodeWireError(status: { code: number; details?: string; metadata?: Record<string, unknown> }): StrataError {
  const meta = status.metadata ?? {};
  const remoteCode = metadataText(meta[ERROR_CODE_KEY]);
  const data = parseData(metadataText(meta[ERROR_DATA_KEY]));
  const details = status.details || `${GRPC_STATUS_NAMES[status.code] ?? `status ${status.code}`} from the server`;
  if (isErrorCode(remoteCode)) return new StrataError(remoteCode, details, data);
  const code = STATUS_FALLBACK[status.code] ?? 'INTERNAL';
  const extra: ErrorData = { grpcStatus: GRPC_STATUS_NAMES[status.code] ?? status.code };
  if (remoteCode !== undefined) extra.remoteCode = remoteCode;
  return new StrataError(code, details, { ...data, ...extra });
}
