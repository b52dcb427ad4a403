// Original file: proto/strata/pfs/v1/pfs.proto

import type { Long } from '@grpc/proto-loader';

export interface GarbageCollectResponse {
  'commits'?: (number | string | Long);
  'indexObjects'?: (number | string | Long);
  'liveChunks'?: (number | string | Long);
  'deadChunks'?: (number | string | Long);
  'deadBytes'?: (number | string | Long);
  'packsDeleted'?: (number | string | Long);
  'packsRepacked'?: (number | string | Long);
}

export interface GarbageCollectResponse__Output {
  'commits': (number);
  'indexObjects': (number);
  'liveChunks': (number);
  'deadChunks': (number);
  'deadBytes': (number);
  'packsDeleted': (number);
  'packsRepacked': (number);
}
