// Breaking-change check for the wire contract. Loads proto/ with protobufjs
// and compares every message field (number, name, type, label), enum value
// and RPC (types, streaming) against proto/snapshot.json. Removing,
// renumbering, renaming or retyping anything fails; adding passes.
//
//   tsx scripts/check-proto.ts            check (run by `npm run lint`)
//   tsx scripts/check-proto.ts --update   check, then record additions in the snapshot
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import protobuf from 'protobufjs';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const PROTO_FILES = ['proto/strata/pfs/v1/pfs.proto', 'proto/strata/pps/v1/pps.proto', 'proto/strata/auth/v1/auth.proto'];
const SNAPSHOT = `${ROOT}proto/snapshot.json`;

interface FieldShape { name: string; type: string; label: 'singular' | 'optional' | 'repeated' | 'map'; oneof?: string }
interface RpcShape { request: string; response: string; clientStreaming: boolean; serverStreaming: boolean }
export interface Snapshot {
  messages: Record<string, Record<string, FieldShape>>;
  enums: Record<string, Record<string, string>>;
  services: Record<string, Record<string, RpcShape>>;
}

const strip = (name: string): string => name.replace(/^\./, '');

function fieldShape(f: protobuf.Field): FieldShape {
  f.resolve();
  const type = f.resolvedType ? strip(f.resolvedType.fullName) : f.type;
  if (f instanceof protobuf.MapField) return { name: f.name, type: `map<${f.keyType}, ${type}>`, label: 'map' };
  const label = f.repeated ? 'repeated' : f.options?.proto3_optional ? 'optional' : 'singular';
  const oneof = f.partOf && !f.options?.proto3_optional ? f.partOf.name : undefined;
  return oneof ? { name: f.name, type, label, oneof } : { name: f.name, type, label };
}

/** The contract as plain data, keys sorted so the snapshot diffs cleanly. */
export function describe(root: protobuf.Root): Snapshot {
  const out: Snapshot = { messages: {}, enums: {}, services: {} };
  const visit = (ns: protobuf.NamespaceBase): void => {
    for (const obj of ns.nestedArray) {
      const name = strip(obj.fullName);
      if (obj instanceof protobuf.Type) {
        const fields: Record<string, FieldShape> = {};
        for (const f of [...obj.fieldsArray].sort((a, b) => a.id - b.id)) fields[String(f.id)] = fieldShape(f);
        out.messages[name] = fields;
      } else if (obj instanceof protobuf.Enum) {
        const values: Record<string, string> = {};
        for (const [k, v] of Object.entries(obj.values).sort((a, b) => a[1] - b[1])) values[String(v)] = k;
        out.enums[name] = values;
      } else if (obj instanceof protobuf.Service) {
        const rpcs: Record<string, RpcShape> = {};
        for (const m of obj.methodsArray) {
          m.resolve();
          rpcs[m.name] = {
            request: strip(m.resolvedRequestType!.fullName),
            response: strip(m.resolvedResponseType!.fullName),
            clientStreaming: Boolean(m.requestStream),
            serverStreaming: Boolean(m.responseStream),
          };
        }
        out.services[name] = rpcs;
      }
      if (obj instanceof protobuf.Namespace) visit(obj);
    }
  };
  visit(root);
  return out;
}

/** Every breaking difference from `before` to `after`, one readable line each; and the additions. */
export function compare(before: Snapshot, after: Snapshot): { breaking: string[]; added: string[] } {
  const breaking: string[] = [];
  const added: string[] = [];
  const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);
  for (const [msg, fields] of Object.entries(before.messages)) {
    const now = after.messages[msg];
    if (!now) {
      breaking.push(`message ${msg} was removed`);
      continue;
    }
    for (const [num, was] of Object.entries(fields)) {
      const is = now[num];
      if (!is) {
        const moved = Object.entries(now).find(([, f]) => f.name === was.name);
        breaking.push(moved ? `${msg}.${was.name} was renumbered ${num} -> ${moved[0]}` : `${msg}: field ${num} (${was.name}) was removed`);
      } else if (!same(was, is)) {
        breaking.push(`${msg}: field ${num} changed from ${JSON.stringify(was)} to ${JSON.stringify(is)}`);
      }
    }
    for (const num of Object.keys(now)) if (!fields[num]) added.push(`${msg}: field ${num} (${now[num]!.name})`);
  }
  for (const msg of Object.keys(after.messages)) if (!before.messages[msg]) added.push(`message ${msg}`);
  for (const [en, values] of Object.entries(before.enums)) {
    const now = after.enums[en];
    if (!now) breaking.push(`enum ${en} was removed`);
    else for (const [num, name] of Object.entries(values)) if (now[num] !== name) breaking.push(`enum ${en}: value ${num} (${name}) was ${now[num] ? `renamed to ${now[num]}` : 'removed'}`);
  }
  for (const [svc, rpcs] of Object.entries(before.services)) {
    const now = after.services[svc];
    if (!now) {
      breaking.push(`service ${svc} was removed`);
      continue;
    }
    for (const [rpc, was] of Object.entries(rpcs)) {
      if (!now[rpc]) breaking.push(`rpc ${svc}.${rpc} was removed`);
      else if (!same(was, now[rpc])) breaking.push(`rpc ${svc}.${rpc} changed from ${JSON.stringify(was)} to ${JSON.stringify(now[rpc])}`);
    }
    for (const rpc of Object.keys(now)) if (!rpcs[rpc]) added.push(`rpc ${svc}.${rpc}`);
  }
  return { breaking, added };
}

export function loadContract(): Snapshot {
  const root = new protobuf.Root();
  root.loadSync(PROTO_FILES.map((f) => `${ROOT}${f}`), { keepCase: true });
  root.resolveAll();
  return describe(root);
}

function main(argv: string[]): number {
  const current = loadContract();
  const snapshot = JSON.parse(readFileSync(SNAPSHOT, 'utf8')) as Snapshot;
  const { breaking, added } = compare(snapshot, current);
  for (const line of breaking) console.error(`proto: BREAKING: ${line}`);
  if (breaking.length > 0) {
    console.error(`proto: ${breaking.length} breaking change(s) against proto/snapshot.json; add new fields or RPCs instead`);
    return 1;
  }
  if (argv.includes('--update')) {
    writeFileSync(SNAPSHOT, `${JSON.stringify(current, null, 2)}\n`);
    console.log(`proto: snapshot updated (${added.length} addition(s))`);
  } else if (added.length > 0) {
    console.log(`proto: compatible; ${added.length} addition(s) not yet in the snapshot (run: tsx scripts/check-proto.ts --update)`);
  } else {
    console.log('proto: compatible with proto/snapshot.json');
  }
  return 0;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) process.exitCode = main(process.argv.slice(2));
