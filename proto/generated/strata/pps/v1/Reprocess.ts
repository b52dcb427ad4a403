// Original file: proto/strata/pps/v1/pps.proto

export const Reprocess = {
  /**
   * A changed transform reprocesses every datum; an unchanged one skips them.
   */
  REPROCESS_DEFAULT: 'REPROCESS_DEFAULT',
  /**
   * Reprocess every datum, changed transform or not.
   */
  REPROCESS_ALL: 'REPROCESS_ALL',
  /**
   * Keep the outputs: datums keep their hashes (Pachyderm's default for update).
   */
  REPROCESS_NONE: 'REPROCESS_NONE',
} as const;

export type Reprocess =
  /**
   * A changed transform reprocesses every datum; an unchanged one skips them.
   */
  | 'REPROCESS_DEFAULT'
  | 0
  /**
   * Reprocess every datum, changed transform or not.
   */
  | 'REPROCESS_ALL'
  | 1
  /**
   * Keep the outputs: datums keep their hashes (Pachyderm's default for update).
   */
  | 'REPROCESS_NONE'
  | 2

export type Reprocess__Output = typeof Reprocess[keyof typeof Reprocess]
