// Original file: proto/strata/pps/v1/pps.proto

import type { Long } from '@grpc/proto-loader';

export interface OutputFile {
  'path'?: (string);
  'size'?: (number | string | Long);
  'hash'?: (string);
}

export interface OutputFile__Output {
  'path': (string);
  'size': (number);
  'hash': (string);
}
