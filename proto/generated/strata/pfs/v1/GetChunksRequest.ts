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
  /**
   * Optional fast path for the bytes (as ModifyFileHeader.bulk, the other
   * way). A client that can open a plain TCP connection to the server sets
   * this; a server that offers it answers in the response headers with
   * `strata-bulk: PORT TOKEN` (TOKEN 64 hex characters) and sends no
   * GetChunksResponse: the client connects to PORT on the host it called,
   * sends the 32 bytes of TOKEN and nothing else, reads
   * `strata-bulk-ok\n`, then the bytes of the requested chunks back to back,
   * in request order (their sizes are the client's to know, from the chunk
   * list it asked by), then the end of the connection. The call's status
   * says how it ended: OK once every byte was sent; any error (a chunk not
   * stored, CHUNK_CORRUPT) ends the connection early. Without the header
   * (TLS, the listener off, an older server) the chunks come as
   * GetChunksResponse messages as before. A client that cannot connect
   * cancels the call and asks again without `bulk`.
   */
  'bulk'?: (boolean);
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
  /**
   * Optional fast path for the bytes (as ModifyFileHeader.bulk, the other
   * way). A client that can open a plain TCP connection to the server sets
   * this; a server that offers it answers in the response headers with
   * `strata-bulk: PORT TOKEN` (TOKEN 64 hex characters) and sends no
   * GetChunksResponse: the client connects to PORT on the host it called,
   * sends the 32 bytes of TOKEN and nothing else, reads
   * `strata-bulk-ok\n`, then the bytes of the requested chunks back to back,
   * in request order (their sizes are the client's to know, from the chunk
   * list it asked by), then the end of the connection. The call's status
   * says how it ended: OK once every byte was sent; any error (a chunk not
   * stored, CHUNK_CORRUPT) ends the connection early. Without the header
   * (TLS, the listener off, an older server) the chunks come as
   * GetChunksResponse messages as before. A client that cannot connect
   * cancels the call and asks again without `bulk`.
   */
  'bulk': (boolean);
}
