// Original file: proto/strata/pfs/v1/pfs.proto


export interface GetChunksResponse {
  /**
   * The bytes of the next requested chunks, whole and in request order
   * (a chunk is never split across messages); at most 3 MiB of chunk data
   * per message, so a message fits gRPC's default 4 MiB receive limit.
   */
  'chunks'?: (Buffer | Uint8Array | string)[];
}

export interface GetChunksResponse__Output {
  /**
   * The bytes of the next requested chunks, whole and in request order
   * (a chunk is never split across messages); at most 3 MiB of chunk data
   * per message, so a message fits gRPC's default 4 MiB receive limit.
   */
  'chunks': (Buffer)[];
}
