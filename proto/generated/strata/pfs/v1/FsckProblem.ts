// Original file: proto/strata/pfs/v1/pfs.proto


export interface FsckProblem {
  'repo'?: (string);
  'commit'?: (string);
  'path'?: (string);
  'detail'?: (string);
}

export interface FsckProblem__Output {
  'repo': (string);
  'commit': (string);
  'path': (string);
  'detail': (string);
}
