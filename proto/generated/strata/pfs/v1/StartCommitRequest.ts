// Original file: proto/strata/pfs/v1/pfs.proto


export interface StartCommitRequest {
  /**
   * `repo@branch` to open the commit on (no ancestry, no path).
   */
  'branch'?: (string);
  'description'?: (string);
  /**
   * Refs (no path) of the commits this one is derived from; each is
   * resolved to a commit id when the commit starts.
   */
  'provenance'?: (string)[];
  /**
   * Free-form facts to record with the commit.
   */
  'metadata'?: ({[key: string]: string});
}

export interface StartCommitRequest__Output {
  /**
   * `repo@branch` to open the commit on (no ancestry, no path).
   */
  'branch': (string);
  'description': (string);
  /**
   * Refs (no path) of the commits this one is derived from; each is
   * resolved to a commit id when the commit starts.
   */
  'provenance': (string)[];
  /**
   * Free-form facts to record with the commit.
   */
  'metadata': ({[key: string]: string});
}
