// Original file: proto/strata/pfs/v1/pfs.proto

export const CommitState = {
  COMMIT_STATE_UNSPECIFIED: 'COMMIT_STATE_UNSPECIFIED',
  /**
   * Writable: writes stage into it.
   */
  COMMIT_STATE_OPEN: 'COMMIT_STATE_OPEN',
  /**
   * Immutable forever.
   */
  COMMIT_STATE_FINISHED: 'COMMIT_STATE_FINISHED',
} as const;

export type CommitState =
  | 'COMMIT_STATE_UNSPECIFIED'
  | 0
  /**
   * Writable: writes stage into it.
   */
  | 'COMMIT_STATE_OPEN'
  | 1
  /**
   * Immutable forever.
   */
  | 'COMMIT_STATE_FINISHED'
  | 2

export type CommitState__Output = typeof CommitState[keyof typeof CommitState]
