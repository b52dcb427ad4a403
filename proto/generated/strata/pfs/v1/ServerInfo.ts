// Original file: proto/strata/pfs/v1/pfs.proto

import type { Long } from '@grpc/proto-loader';

export interface ServerInfo {
  /**
   * The server's release, e.g. `0.1.0` (package.json `version`).
   */
  'version'?: (string);
  /**
   * The Node.js version it runs on, e.g. `v22.12.0`.
   */
  'nodeVersion'?: (string);
  /**
   * When the process started.
   */
  'startedAtMs'?: (number | string | Long);
}

export interface ServerInfo__Output {
  /**
   * The server's release, e.g. `0.1.0` (package.json `version`).
   */
  'version': (string);
  /**
   * The Node.js version it runs on, e.g. `v22.12.0`.
   */
  'nodeVersion': (string);
  /**
   * When the process started.
   */
  'startedAtMs': (number);
}
