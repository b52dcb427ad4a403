// Requests that are not valid protobuf for their method. grpc-js answers a
// deserializer that throws with INTERNAL "Error deserializing request",
// which blames the server for the client's bytes. So the deserializers
// never throw: a bad message decodes to a MalformedMessage, and the rpc
// layer (rpc.ts, streams.ts) fails the call with INVALID_ARGUMENT naming it.
import type * as grpc from '@grpc/grpc-js';
import { StrataError } from '../../src/errors/index.ts';

export class MalformedMessage {
  constructor(readonly error: StrataError) {}
}

/** The service with every request deserializer wrapped as described above. */
export function withMalformedGuard(service: grpc.ServiceDefinition): grpc.ServiceDefinition {
  const out: Record<string, grpc.MethodDefinition<unknown, unknown>> = {};
  for (const [name, method] of Object.entries(service as Record<string, grpc.MethodDefinition<unknown, unknown>>)) {
    const decode = method.requestDeserialize;
    out[name] = {
      ...method,
      requestDeserialize: (bytes: Buffer) => {
        try {
          return decode(bytes);
        } catch (err) {
          const reason = err instanceof Error ? err.message : String(err);
          return new MalformedMessage(
            new StrataError('INVALID_ARGUMENT', `${name}: the request is not a valid protobuf message for this method (${reason.slice(0, 200)})`, { method: name, bytes: bytes.length }),
          );
        }
      },
    };
  }
  return out as grpc.ServiceDefinition;
}

/** Throws the error of a malformed message; passes a good one through. */
export function wellFormed<T>(message: T | MalformedMessage): T {
  if (message instanceof MalformedMessage) throw message.error;
  return message;
}
