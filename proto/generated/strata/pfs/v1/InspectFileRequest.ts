// Original file: proto/strata/pfs/v1/pfs.proto


export interface InspectFileRequest {
  /**
   * Ref with path.
   */
  'file'?: (string);
  /**
   * Fill FileInfo.chunks (a 1 GiB file has ~16,000 chunks).
   */
  'includeChunks'?: (boolean);
}

export interface InspectFileRequest__Output {
  /**
   * Ref with path.
   */
  'file': (string);
  /**
   * Fill FileInfo.chunks (a 1 GiB file has ~16,000 chunks).
   */
  'includeChunks': (boolean);
}
