// The SDK's clients are built from codecs generated at build time from
// proto/generated/<file>.json (scripts/gen-proto-codecs.mjs,
// client/sdk/services.ts), without @grpc/proto-loader; the server loads the
// .proto files with proto-loader. Both must map every message to the same bytes
// and the same JS object, or a field would silently change meaning between
// them. For every method of every service: the same path and streaming
// flags, and for a request and a response that set every field (nested
// messages, repeated fields, maps, int64 past 2^32, enums, bytes, one member
// of each oneof), byte-identical encodings and equal decodings; an empty
// message decodes to the same defaults.
import { readFileSync } from 'node:fs';
import type * as grpc from '@grpc/grpc-js';
import protobuf from 'protobufjs';
import { describe, expect, it } from 'vitest';
import { loadAuthProto } from '../../server/grpc/auth-service.ts';
import { loadPpsProto } from '../../server/grpc/pps-service.ts';
import { loadProtos } from '../../server/grpc/proto.ts';
import { SERVICES, serviceDefinition, type ServiceFile } from '../../client/sdk/services.ts';
import { protoDir } from '../../src/package-dir.ts';

type Method = grpc.MethodDefinition<object, object>;

const serverSide: Record<ServiceFile, () => grpc.ServiceDefinition> = {
  pfs: () => loadProtos().pfsService,
  pps: () => loadPpsProto().service,
  auth: () => loadAuthProto().service,
};

function scalar(field: protobuf.Field, type: string): unknown {
  switch (type) {
    case 'string':
      return `s-${field.name}`;
    case 'bool':
      return true;
    case 'bytes':
      return Buffer.from([1, 2, 3, 250]);
    case 'double':
    case 'float':
      return 1.5;
    case 'int64':
    case 'uint64':
    case 'sint64':
    case 'fixed64':
    case 'sfixed64':
      return 2 ** 40 + 3; // past 32 bits: int64 must come back as this number
    default:
      return 7;
  }
}

/** A message with every field set (the first member of each oneof), nested messages to `depth`. */
function sample(type: protobuf.Type, depth = 0): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const skip = new Set<string>();
  for (const oneof of type.oneofsArray) for (const f of oneof.fieldsArray.slice(1)) skip.add(f.name);
  for (const field of type.fieldsArray) {
    if (skip.has(field.name)) continue;
    field.resolve();
    const resolved = field.resolvedType;
    let value: unknown;
    if (resolved instanceof protobuf.Enum) value = Object.keys(resolved.values).at(-1);
    else if (resolved instanceof protobuf.Type) {
      if (depth >= 3) continue;
      value = sample(resolved, depth + 1);
    } else value = scalar(field, field.type);
    if (field instanceof protobuf.MapField) out[field.name] = { [field.keyType === 'string' ? 'k' : '5']: value };
    else out[field.name] = field.repeated ? [value, value] : value;
  }
  return out;
}

describe('SDK services built from the generated codecs', () => {
  for (const file of Object.keys(SERVICES) as ServiceFile[]) {
    it(`${file}: every method maps messages as the server's proto-loader does`, () => {
      const ours = serviceDefinition(file) as Record<string, Method>;
      const theirs = serverSide[file]() as Record<string, Method>;
      expect(Object.keys(ours).sort()).toEqual(Object.keys(theirs).sort());
      const root = protobuf.Root.fromJSON(JSON.parse(readFileSync(`${protoDir()}/generated/${file}.json`, 'utf8')) as protobuf.INamespace);
      const service = root.lookupService(SERVICES[file]);
      for (const method of service.methodsArray) {
        method.resolve();
        const a = ours[method.name]!;
        const b = theirs[method.name]!;
        expect({ path: a.path, requestStream: a.requestStream, responseStream: a.responseStream }).toEqual({
          path: b.path,
          requestStream: b.requestStream,
          responseStream: b.responseStream,
        });
        const request = sample(method.resolvedRequestType!);
        const response = sample(method.resolvedResponseType!);
        const reqBytes = b.requestSerialize(request);
        const resBytes = b.responseSerialize(response);
        expect(a.requestSerialize(request).equals(reqBytes), `${method.name} request bytes`).toBe(true);
        expect(a.responseSerialize(response).equals(resBytes), `${method.name} response bytes`).toBe(true);
        expect(a.requestDeserialize(reqBytes), `${method.name} request`).toEqual(b.requestDeserialize(reqBytes));
        expect(a.responseDeserialize(resBytes), `${method.name} response`).toEqual(b.responseDeserialize(resBytes));
        expect(a.responseDeserialize(Buffer.alloc(0)), `${method.name} empty response`).toEqual(b.responseDeserialize(Buffer.alloc(0)));
      }
    });
  }

  it('the samples are not trivial: int64, enums and nested messages survive the round trip', () => {
    const pfs = serviceDefinition('pfs') as Record<string, Method>;
    const info = { repo: 'r', id: 'c', startedAtMs: 2 ** 40 + 3, state: 'COMMIT_STATE_FINISHED', provenance: [{ repo: 'p', id: 'q' }] };
    const back = pfs.InspectCommit!.responseDeserialize(pfs.InspectCommit!.responseSerialize(info)) as Record<string, unknown>;
    expect(back).toMatchObject(info);
    expect(back.origin).toBe('COMMIT_ORIGIN_UNSPECIFIED'); // defaults filled, enums as names
  });
});
