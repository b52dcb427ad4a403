// Original file: proto/strata/pps/v1/pps.proto

import type { Long } from '@grpc/proto-loader';

export interface JobCounts {
  'total'?: (number | string | Long);
  'processed'?: (number | string | Long);
  'skipped'?: (number | string | Long);
  'failed'?: (number | string | Long);
  'recovered'?: (number | string | Long);
}

export interface JobCounts__Output {
  'total': (number);
  'processed': (number);
  'skipped': (number);
  'failed': (number);
  'recovered': (number);
}
