// Original file: proto/strata/pfs/v1/pfs.proto


export interface GetChunksRequest {
  /**
   * Chunk hashes, 64 hex characters each; at most 4,096 per call. A hash
   * may repeat (its bytes are then sent again).
   */
  'hashes'?: (string)[];
  /**
   * The file the chunks belong to, e.g. `repo@<commit id>:/a/b.csv` (as
   * InspectFile named it). When set, the caller needs reader on its repo and
   * every hash must be one of that file's chunks (NOT_AUTHORIZED otherwise).
   * Required when auth is on, except for cluster admins: knowing a hash is
   * not proof of access (docs/security.md).
   */
  'file'?: (string);
  /**
   * More files the chunks may belong to, besides `file`, so the small files
   * of a directory are read in one call: each needs reader on its repo, and
   * every hash must be a chunk of `file` or of one of these. At most 1,024.
   */
  'files'?: (string)[];
  /**
   * The client checks every chunk it receives against the hash it asked
   * for, and turns a mismatch into CHUNK_CORRUPT (DATA_LOSS) without handing
   * the bytes on (the Strata SDK does): the server then sends the stored
   * bytes without hashing them again, so each byte is hashed once per read,
   * not twice. Leave it false unless the client checks: a chunk damaged in
   * storage would reach it as it is.
   */
  'clientVerifies'?: (boolean);
}

export interface GetChunksRequest__Output {
  /**
   * Chunk hashes, 64 hex characters each; at most 4,096 per call. A hash
   * may repeat (its bytes are then sent again).
   */
  'hashes': (string)[];
  /**
   * The file the chunks belong to, e.g. `repo@<commit id>:/a/b.csv` (as
   * InspectFile named it). When set, the caller needs reader on its repo and
   * every hash must be one of that file's chunks (NOT_AUTHORIZED otherwise).
   * Required when auth is on, except for cluster admins: knowing a hash is
   * not proof of access (docs/security.md).
   */
  'file': (string);
  /**
   * More files the chunks may belong to, besides `file`, so the small files
   * of a directory are read in one call: each needs reader on its repo, and
   * every hash must be a chunk of `file` or of one of these. At most 1,024.
   */
  'files': (string)[];
  /**
   * The client checks every chunk it receives against the hash it asked
   * for, and turns a mismatch into CHUNK_CORRUPT (DATA_LOSS) without handing
   * the bytes on (the Strata SDK does): the server then sends the stored
   * bytes without hashing them again, so each byte is hashed once per read,
   * not twice. Leave it false unless the client checks: a chunk damaged in
   * storage would reach it as it is.
   */
  'clientVerifies': (boolean);
}
