// Original file: proto/strata/pfs/v1/pfs.proto


export interface GetFileResponse {
  /**
   * The next bytes of the file; at most 1 MiB per message.
   */
  'data'?: (Buffer | Uint8Array | string);
}

export interface GetFileResponse__Output {
  /**
   * The next bytes of the file; at most 1 MiB per message.
   */
  'data': (Buffer);
}
