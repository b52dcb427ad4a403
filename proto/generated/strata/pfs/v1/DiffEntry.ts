// Original file: proto/strata/pfs/v1/pfs.proto

import type { DiffType as _strata_pfs_v1_DiffType, DiffType__Output as _strata_pfs_v1_DiffType__Output } from '../../../strata/pfs/v1/DiffType.ts';
import type { Long } from '@grpc/proto-loader';

export interface DiffEntry {
  'type'?: (_strata_pfs_v1_DiffType);
  'path'?: (string);
  /**
   * Size in the newer commit; unset when deleted.
   */
  'newSizeBytes'?: (number | string | Long);
  /**
   * Size in the older commit; unset when added.
   */
  'oldSizeBytes'?: (number | string | Long);
  /**
   * Hash in the newer commit; empty when deleted.
   */
  'newHash'?: (string);
  /**
   * Hash in the older commit; empty when added.
   */
  'oldHash'?: (string);
  '_newSizeBytes'?: "newSizeBytes";
  '_oldSizeBytes'?: "oldSizeBytes";
}

export interface DiffEntry__Output {
  'type': (_strata_pfs_v1_DiffType__Output);
  'path': (string);
  /**
   * Size in the newer commit; unset when deleted.
   */
  'newSizeBytes'?: (number);
  /**
   * Size in the older commit; unset when added.
   */
  'oldSizeBytes'?: (number);
  /**
   * Hash in the newer commit; empty when deleted.
   */
  'newHash': (string);
  /**
   * Hash in the older commit; empty when added.
   */
  'oldHash': (string);
  '_newSizeBytes'?: "newSizeBytes";
  '_oldSizeBytes'?: "oldSizeBytes";
}
