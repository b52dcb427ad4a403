// The gRPC client classes of Strata's services, built from the contract as
// scripts/gen-proto-types.mjs saved it (proto/generated/<file>.json: each
// .proto parsed once, as @grpc/proto-loader parses it). Loading
// proto-loader and parsing .proto text at run time cost a CLI command more
// than any of its own work before the first call (docs/benchmarks.md,
// startup); this needs only protobufjs's runtime, without its parser.
//
// Messages map to JS exactly as proto-loader maps them with the server's
// LOADER_OPTIONS (server/grpc/proto.ts): field names were camel-cased when
// the JSON was made; here int64 decodes as number, enums as their names,
// unset fields as defaults, and a oneof's name is set. Serializing and
// deserializing are proto-loader's own two steps (fromObject + encode,
// decode + toObject). test/unit/sdk-services.test.ts checks both against
// proto-loader, method by method.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import protobuf from 'protobufjs/light.js';
import type { MethodDefinition } from '@grpc/proto-loader';
import { protoDir } from '../../src/package-dir.ts';
import { EncodedMessage } from './chunk-message.ts';

/** proto-loader's LOADER_OPTIONS for decoding (keepCase was applied when the JSON was made). */
const DECODE: protobuf.IConversionOptions = { longs: Number, enums: String, defaults: true, oneofs: true };

/** The files of proto/generated/ and the service each defines. */
export const SERVICES = {
  pfs: 'strata.pfs.v1.PfsService',
  pps: 'strata.pps.v1.PpsService',
  auth: 'strata.auth.v1.AuthService',
} as const;

export type ServiceFile = keyof typeof SERVICES;

function serializer(type: protobuf.Type): (value: object) => Buffer {
  return (value) => {
    // Bytes already encoded (the put path's chunk messages, see chunk-message.ts) go as they are.
    if (value instanceof EncodedMessage) return value.bytes;
    if (Array.isArray(value)) throw new Error(`Failed to serialize message: expected object with ${type.name} structure, got array instead`);
    // protobufjs's writer already hands back a Buffer on Node: wrap, never copy.
    const bytes = type.encode(type.fromObject(value)).finish();
    return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  };
}

function deserializer(type: protobuf.Type): (bytes: Buffer) => object {
  return (bytes) => type.toObject(type.decode(bytes), DECODE);
}

/** The methods of one service, as grpc-js wants them to make a client class. */
export function serviceDefinition(file: ServiceFile): grpc.ServiceDefinition {
  const json = JSON.parse(readFileSync(join(protoDir(), 'generated', `${file}.json`), 'utf8')) as protobuf.INamespace;
  const name = SERVICES[file];
  const service = protobuf.Root.fromJSON(json).lookupService(name);
  const methods: Record<string, grpc.MethodDefinition<object, object>> = {};
  for (const method of service.methodsArray) {
    method.resolve();
    const request = method.resolvedRequestType!;
    const response = method.resolvedResponseType!;
    methods[method.name] = {
      path: `/${name}/${method.name}`,
      requestStream: Boolean(method.requestStream),
      responseStream: Boolean(method.responseStream),
      requestSerialize: serializer(request),
      requestDeserialize: deserializer(request),
      responseSerialize: serializer(response),
      responseDeserialize: deserializer(response),
    };
  }
  return methods;
}

const constructors = new Map<ServiceFile, grpc.ServiceClientConstructor>();

/** The client class of a service, made on first use. */
export function serviceClient(file: ServiceFile): grpc.ServiceClientConstructor {
  let ctor = constructors.get(file);
  if (!ctor) {
    ctor = grpc.makeClientConstructor(serviceDefinition(file), SERVICES[file]);
    constructors.set(file, ctor);
  }
  return ctor;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyMethod = MethodDefinition<any, any, any, any>;

/** What the SDK may send for method M of a service's generated definition D (proto-loader's permissive form). */
export type RequestOf<D, M extends keyof D> = D[M] extends AnyMethod ? Parameters<D[M]['requestSerialize']>[0] : never;

/** What method M answers, as decoded here (defaults filled, int64 as number, enums as names). */
export type ResponseOf<D, M extends keyof D> = D[M] extends AnyMethod ? ReturnType<D[M]['responseDeserialize']> : never;
