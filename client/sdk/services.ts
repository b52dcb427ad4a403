// The gRPC client classes of Strata's services, built from the codecs that
// scripts/gen-proto-codecs.mjs generates at build time from proto/ (through
// proto/generated/<file>.json, each .proto as @grpc/proto-loader parses it):
// each message's encode, decode and conversions as plain functions, which
// the CLI bundle carries compiled in V8's code cache. Neither proto-loader
// nor protobufjs's reflection runs here: parsing .proto text, and then
// building types from JSON and compiling their functions on first use, cost
// a CLI command more than its own work before the first call
// (docs/benchmarks.md, startup and api).
//
// Messages map to JS exactly as proto-loader maps them with the server's
// LOADER_OPTIONS (server/grpc/proto.ts): field names were camel-cased when
// the JSON was made; here int64 decodes as number, enums as their names,
// unset fields as defaults, and a oneof's name is set. Serializing and
// deserializing are proto-loader's own two steps (fromObject + encode,
// decode + toObject). test/unit/sdk-services.test.ts checks both against
// proto-loader, method by method.
import type * as grpc from '@grpc/grpc-js';
import type { IConversionOptions, Reader, Writer } from 'protobufjs';
import type { MethodDefinition } from '@grpc/proto-loader';
import authCodecs from '../../proto/codecs/auth.cjs';
import pfsCodecs from '../../proto/codecs/pfs.cjs';
import ppsCodecs from '../../proto/codecs/pps.cjs';
import { EncodedMessage } from './chunk-message.ts';

/** proto-loader's LOADER_OPTIONS for decoding (keepCase was applied when the JSON was made). */
const DECODE: IConversionOptions = { longs: Number, enums: String, defaults: true, oneofs: true };

/** The generated codecs of each file (each evaluated on first use) and the service each defines. */
const CODECS = { pfs: pfsCodecs, pps: ppsCodecs, auth: authCodecs };

export const SERVICES = {
  pfs: 'strata.pfs.v1.PfsService',
  pps: 'strata.pps.v1.PpsService',
  auth: 'strata.auth.v1.AuthService',
} as const;

export type ServiceFile = keyof typeof SERVICES;

/** One generated message class: what a pbjs static module gives each message. */
interface MessageCodec {
  name: string;
  encode(message: object): Writer;
  decode(reader: Reader | Uint8Array): object;
  fromObject(value: object): object;
  toObject(message: object, options: IConversionOptions): object;
}

/** The message of full name `name` (e.g. strata.pfs.v1.DiffFileRequest) in a file's codecs. */
function messageCodec(file: ServiceFile, name: string): MessageCodec {
  let at: unknown = CODECS[file]();
  for (const part of name.split('.')) at = (at as Record<string, unknown> | undefined)?.[part];
  if (typeof (at as MessageCodec | undefined)?.encode !== 'function') throw new Error(`proto/codecs/${file}.cjs has no message ${name}: run \`node scripts/build.mjs\``);
  return at as MessageCodec;
}

function serializer(type: MessageCodec): (value: object) => Buffer {
  return (value) => {
    // Bytes already encoded (the put path's chunk messages, see chunk-message.ts) go as they are.
    if (value instanceof EncodedMessage) return value.bytes;
    if (Array.isArray(value)) throw new Error(`Failed to serialize message: expected object with ${type.name} structure, got array instead`);
    // protobufjs's writer already hands back a Buffer on Node: wrap, never copy.
    const bytes = type.encode(type.fromObject(value)).finish();
    return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  };
}

function deserializer(type: MessageCodec): (bytes: Buffer) => object {
  return (bytes) => type.toObject(type.decode(bytes), DECODE);
}

const definitions = new Map<ServiceFile, grpc.ServiceDefinition>();

/** The methods of one service, as grpc-js wants them to make a client class (made once). */
export function serviceDefinition(file: ServiceFile): grpc.ServiceDefinition {
  let made = definitions.get(file);
  if (!made) definitions.set(file, (made = makeDefinition(file)));
  return made;
}

function makeDefinition(file: ServiceFile): grpc.ServiceDefinition {
  const name = SERVICES[file];
  const { $service } = CODECS[file]();
  if ($service.name !== name) throw new Error(`proto/codecs/${file}.cjs defines ${$service.name}, not ${name}: run \`node scripts/build.mjs\``);
  const methods: Record<string, grpc.MethodDefinition<object, object>> = {};
  for (const [method, [requestName, responseName, requestStream, responseStream]] of Object.entries($service.methods)) {
    const request = messageCodec(file, requestName);
    const response = messageCodec(file, responseName);
    methods[method] = {
      path: `/${name}/${method}`,
      requestStream,
      responseStream,
      requestSerialize: serializer(request),
      requestDeserialize: deserializer(request),
      responseSerialize: serializer(response),
      responseDeserialize: deserializer(response),
    };
  }
  return methods;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyMethod = MethodDefinition<any, any, any, any>;

/** What the SDK may send for method M of a service's generated definition D (proto-loader's permissive form). */
export type RequestOf<D, M extends keyof D> = D[M] extends AnyMethod ? Parameters<D[M]['requestSerialize']>[0] : never;

/** What method M answers, as decoded here (defaults filled, int64 as number, enums as names). */
export type ResponseOf<D, M extends keyof D> = D[M] extends AnyMethod ? ReturnType<D[M]['responseDeserialize']> : never;
