// Loads the wire contract from proto/ at runtime (no generated code): the
// PFS service, plus the health service so reflection lists both.
import { dirname } from 'node:path';
import type * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { protoPath as healthProtoPath } from 'grpc-health-check';
import { protoDir } from '../../src/package-dir.ts';

export const PFS_PROTO_FILE = 'strata/pfs/v1/pfs.proto';
export const PFS_SERVICE_NAME = 'strata.pfs.v1.PfsService';

/** How messages map to JS: camelCase fields, int64 as number, enums as names, defaults filled, oneof names set. */
export const LOADER_OPTIONS: protoLoader.Options = Object.freeze({
  keepCase: false,
  longs: Number,
  enums: String,
  defaults: true,
  oneofs: true,
});

export interface LoadedProtos {
  /** The PFS and health services, for reflection. */
  definition: protoLoader.PackageDefinition;
  pfsService: grpc.ServiceDefinition;
}

export function loadProtos(): LoadedProtos {
  const definition = protoLoader.loadSync([PFS_PROTO_FILE, healthProtoPath], {
    ...LOADER_OPTIONS,
    includeDirs: [protoDir(), dirname(healthProtoPath)],
  });
  const pfsService = definition[PFS_SERVICE_NAME] as grpc.ServiceDefinition | undefined;
  if (!pfsService) throw new Error(`${PFS_PROTO_FILE} does not define ${PFS_SERVICE_NAME}`);
  return { definition, pfsService };
}
