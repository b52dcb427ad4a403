// Original file: proto/strata/pfs/v1/pfs.proto


export interface ModifyFileHeader {
  /**
   * Where the writes land: `repo@branch` (a one-off commit, or the branch's
   * open head commit if it has one) or `repo@<id>` of an open commit.
   * No ancestry, no path.
   */
  'target'?: (string);
  /**
   * The description of the one-off commit these writes make (shown by
   * ListCommit). Ignored when the writes go into an open commit: that keeps
   * its own (FinishCommit can replace it).
   */
  'description'?: (string);
  /**
   * Optional fast path for chunk bytes. A client that can open a plain TCP
   * connection to the server sets this; a server that offers it answers in
   * the response headers with `strata-bulk: PORT TOKEN` (TOKEN 64 hex
   * characters). The client then connects to PORT on the host it called,
   * sends the 32 bytes of TOKEN, and from then on may send chunk bytes there,
   * each batch announced by a `bulk_chunks` message on this stream. Without
   * the header (TLS, the listener off, an older server), or when the
   * connection cannot be made, the client sends `chunks` messages as before.
   * The connection carries only what this stream announces and closes with it.
   */
  'bulk'?: (boolean);
}

export interface ModifyFileHeader__Output {
  /**
   * Where the writes land: `repo@branch` (a one-off commit, or the branch's
   * open head commit if it has one) or `repo@<id>` of an open commit.
   * No ancestry, no path.
   */
  'target': (string);
  /**
   * The description of the one-off commit these writes make (shown by
   * ListCommit). Ignored when the writes go into an open commit: that keeps
   * its own (FinishCommit can replace it).
   */
  'description': (string);
  /**
   * Optional fast path for chunk bytes. A client that can open a plain TCP
   * connection to the server sets this; a server that offers it answers in
   * the response headers with `strata-bulk: PORT TOKEN` (TOKEN 64 hex
   * characters). The client then connects to PORT on the host it called,
   * sends the 32 bytes of TOKEN, and from then on may send chunk bytes there,
   * each batch announced by a `bulk_chunks` message on this stream. Without
   * the header (TLS, the listener off, an older server), or when the
   * connection cannot be made, the client sends `chunks` messages as before.
   * The connection carries only what this stream announces and closes with it.
   */
  'bulk': (boolean);
}
