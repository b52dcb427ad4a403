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
}
