// Original file: proto/strata/pfs/v1/pfs.proto


export interface MissingChunksResponse {
  /**
   * The requested hashes the server does not have, in request order. When
   * auth is on and the caller is not a cluster admin: every requested hash
   * (the store is not an oracle of what other repos hold; the client sends
   * the bytes, which the store still keeps once).
   */
  'missing'?: (string)[];
}

export interface MissingChunksResponse__Output {
  /**
   * The requested hashes the server does not have, in request order. When
   * auth is on and the caller is not a cluster admin: every requested hash
   * (the store is not an oracle of what other repos hold; the client sends
   * the bytes, which the store still keeps once).
   */
  'missing': (string)[];
}
