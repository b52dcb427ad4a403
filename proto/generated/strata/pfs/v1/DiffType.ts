// Original file: proto/strata/pfs/v1/pfs.proto

export const DiffType = {
  DIFF_TYPE_UNSPECIFIED: 'DIFF_TYPE_UNSPECIFIED',
  DIFF_TYPE_ADDED: 'DIFF_TYPE_ADDED',
  DIFF_TYPE_DELETED: 'DIFF_TYPE_DELETED',
  DIFF_TYPE_MODIFIED: 'DIFF_TYPE_MODIFIED',
} as const;

export type DiffType =
  | 'DIFF_TYPE_UNSPECIFIED'
  | 0
  | 'DIFF_TYPE_ADDED'
  | 1
  | 'DIFF_TYPE_DELETED'
  | 2
  | 'DIFF_TYPE_MODIFIED'
  | 3

export type DiffType__Output = typeof DiffType[keyof typeof DiffType]
