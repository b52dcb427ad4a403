// Original file: proto/strata/pfs/v1/pfs.proto

export const FileType = {
  FILE_TYPE_UNSPECIFIED: 'FILE_TYPE_UNSPECIFIED',
  FILE_TYPE_FILE: 'FILE_TYPE_FILE',
  /**
   * Directories are implicit: a path is a directory when files lie under it.
   */
  FILE_TYPE_DIR: 'FILE_TYPE_DIR',
} as const;

export type FileType =
  | 'FILE_TYPE_UNSPECIFIED'
  | 0
  | 'FILE_TYPE_FILE'
  | 1
  /**
   * Directories are implicit: a path is a directory when files lie under it.
   */
  | 'FILE_TYPE_DIR'
  | 2

export type FileType__Output = typeof FileType[keyof typeof FileType]
