// Original file: proto/strata/pps/v1/pps.proto

import type { DatumInput as _strata_pps_v1_DatumInput, DatumInput__Output as _strata_pps_v1_DatumInput__Output } from '../../../strata/pps/v1/DatumInput.ts';
import type { Explanation as _strata_pps_v1_Explanation, Explanation__Output as _strata_pps_v1_Explanation__Output } from '../../../strata/pps/v1/Explanation.ts';
import type { Long } from '@grpc/proto-loader';

export interface Explanation {
  'repo'?: (string);
  'commit'?: (string);
  'path'?: (string);
  'hash'?: (string);
  /**
   * Empty when no pipeline made the commit.
   */
  'pipeline'?: (string);
  'specVersion'?: (number | string | Long);
  'image'?: (string);
  'cmd'?: (string)[];
  /**
   * The job of the commit, and the one that ran the datum (differs when carried over).
   */
  'job'?: (string);
  'ranInJob'?: (string);
  'datum'?: (string);
  'inputs'?: (_strata_pps_v1_DatumInput)[];
  'upstream'?: (_strata_pps_v1_Explanation)[];
  /**
   * The commit's provenance (repo@commit), e.g. for a commit `strata run` made.
   */
  'provenance'?: (string)[];
}

export interface Explanation__Output {
  'repo': (string);
  'commit': (string);
  'path': (string);
  'hash': (string);
  /**
   * Empty when no pipeline made the commit.
   */
  'pipeline': (string);
  'specVersion': (number);
  'image': (string);
  'cmd': (string)[];
  /**
   * The job of the commit, and the one that ran the datum (differs when carried over).
   */
  'job': (string);
  'ranInJob': (string);
  'datum': (string);
  'inputs': (_strata_pps_v1_DatumInput__Output)[];
  'upstream': (_strata_pps_v1_Explanation__Output)[];
  /**
   * The commit's provenance (repo@commit), e.g. for a commit `strata run` made.
   */
  'provenance': (string)[];
}
