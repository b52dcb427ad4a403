// Original file: proto/strata/pfs/v1/pfs.proto


export interface GetTarResponse {
  /**
   * The next bytes of the tar archive. Entry names are the files' paths
   * without the leading `/`; mtime is the commit's finish time.
   */
  'data'?: (Buffer | Uint8Array | string);
}

export interface GetTarResponse__Output {
  /**
   * The next bytes of the tar archive. Entry names are the files' paths
   * without the leading `/`; mtime is the commit's finish time.
   */
  'data': (Buffer);
}
