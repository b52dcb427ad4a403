// Original file: proto/strata/pfs/v1/pfs.proto

export const CommitOrigin = {
  COMMIT_ORIGIN_UNSPECIFIED: 'COMMIT_ORIGIN_UNSPECIFIED',
  /**
   * Started by StartCommit.
   */
  COMMIT_ORIGIN_USER: 'COMMIT_ORIGIN_USER',
  /**
   * A one-off commit made by a write to a branch (e.g. ModifyFile).
   */
  COMMIT_ORIGIN_AUTO: 'COMMIT_ORIGIN_AUTO',
  /**
   * Made by squashing commits.
   */
  COMMIT_ORIGIN_SQUASH: 'COMMIT_ORIGIN_SQUASH',
} as const;

export type CommitOrigin =
  | 'COMMIT_ORIGIN_UNSPECIFIED'
  | 0
  /**
   * Started by StartCommit.
   */
  | 'COMMIT_ORIGIN_USER'
  | 1
  /**
   * A one-off commit made by a write to a branch (e.g. ModifyFile).
   */
  | 'COMMIT_ORIGIN_AUTO'
  | 2
  /**
   * Made by squashing commits.
   */
  | 'COMMIT_ORIGIN_SQUASH'
  | 3

export type CommitOrigin__Output = typeof CommitOrigin[keyof typeof CommitOrigin]
