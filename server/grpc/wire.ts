// The server's view of the generated wire types (proto/generated/, made by
// scripts/gen-proto-types.mjs): for a service definition and a method name,
// the request as a handler receives it (proto-loader's decoded "output"
// form: defaults filled, oneof name set) and the response it may send (the
// permissive "input" form). rpc.ts types every handler with these, so a
// handler reads only fields the .proto has, and answers only with them.
import type { MethodDefinition } from '@grpc/proto-loader';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyMethod = MethodDefinition<any, any, any, any>;

/** What a handler of method M receives. */
export type RequestOf<D, M extends keyof D> = D[M] extends AnyMethod ? ReturnType<D[M]['requestDeserialize']> : never;

/** What a handler of method M may answer (or stream). */
export type ResponseOf<D, M extends keyof D> = D[M] extends AnyMethod ? Parameters<D[M]['responseSerialize']>[0] : never;

/**
 * A decoded message with a oneof, as the union proto-loader's `oneofs`
 * option makes true: the field `O` names is the one set, and set. The
 * generated type has every member optional, so handlers would otherwise
 * check a field the oneof name already vouches for. A message that sets
 * none of them has no name.
 */
export type Oneof<T, O extends keyof T> =
  | { [F in NonNullable<T[O]> & keyof T]: Omit<T, O | F> & { [K in O]: F } & { [K in F]-?: NonNullable<T[F]> } }[NonNullable<T[O]> & keyof T]
  | (Omit<T, O> & { [K in O]?: undefined });

/** A service whose handlers are not typed from proto/ (every request and response is `any`). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type UntypedService = Record<string, MethodDefinition<any, any, any, any>>;
