// Original file: proto/strata/pfs/v1/pfs.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { BranchInfo as _strata_pfs_v1_BranchInfo, BranchInfo__Output as _strata_pfs_v1_BranchInfo__Output } from '../../../strata/pfs/v1/BranchInfo.ts';
import type { CommitInfo as _strata_pfs_v1_CommitInfo, CommitInfo__Output as _strata_pfs_v1_CommitInfo__Output } from '../../../strata/pfs/v1/CommitInfo.ts';
import type { CreateBranchRequest as _strata_pfs_v1_CreateBranchRequest, CreateBranchRequest__Output as _strata_pfs_v1_CreateBranchRequest__Output } from '../../../strata/pfs/v1/CreateBranchRequest.ts';
import type { CreateRepoRequest as _strata_pfs_v1_CreateRepoRequest, CreateRepoRequest__Output as _strata_pfs_v1_CreateRepoRequest__Output } from '../../../strata/pfs/v1/CreateRepoRequest.ts';
import type { CreateTagRequest as _strata_pfs_v1_CreateTagRequest, CreateTagRequest__Output as _strata_pfs_v1_CreateTagRequest__Output } from '../../../strata/pfs/v1/CreateTagRequest.ts';
import type { DeleteBranchRequest as _strata_pfs_v1_DeleteBranchRequest, DeleteBranchRequest__Output as _strata_pfs_v1_DeleteBranchRequest__Output } from '../../../strata/pfs/v1/DeleteBranchRequest.ts';
import type { DeleteBranchResponse as _strata_pfs_v1_DeleteBranchResponse, DeleteBranchResponse__Output as _strata_pfs_v1_DeleteBranchResponse__Output } from '../../../strata/pfs/v1/DeleteBranchResponse.ts';
import type { DeleteRepoRequest as _strata_pfs_v1_DeleteRepoRequest, DeleteRepoRequest__Output as _strata_pfs_v1_DeleteRepoRequest__Output } from '../../../strata/pfs/v1/DeleteRepoRequest.ts';
import type { DeleteRepoResponse as _strata_pfs_v1_DeleteRepoResponse, DeleteRepoResponse__Output as _strata_pfs_v1_DeleteRepoResponse__Output } from '../../../strata/pfs/v1/DeleteRepoResponse.ts';
import type { DeleteTagRequest as _strata_pfs_v1_DeleteTagRequest, DeleteTagRequest__Output as _strata_pfs_v1_DeleteTagRequest__Output } from '../../../strata/pfs/v1/DeleteTagRequest.ts';
import type { DeleteTagResponse as _strata_pfs_v1_DeleteTagResponse, DeleteTagResponse__Output as _strata_pfs_v1_DeleteTagResponse__Output } from '../../../strata/pfs/v1/DeleteTagResponse.ts';
import type { DiffEntry as _strata_pfs_v1_DiffEntry, DiffEntry__Output as _strata_pfs_v1_DiffEntry__Output } from '../../../strata/pfs/v1/DiffEntry.ts';
import type { DiffFileRequest as _strata_pfs_v1_DiffFileRequest, DiffFileRequest__Output as _strata_pfs_v1_DiffFileRequest__Output } from '../../../strata/pfs/v1/DiffFileRequest.ts';
import type { DropCommitRequest as _strata_pfs_v1_DropCommitRequest, DropCommitRequest__Output as _strata_pfs_v1_DropCommitRequest__Output } from '../../../strata/pfs/v1/DropCommitRequest.ts';
import type { DropCommitResponse as _strata_pfs_v1_DropCommitResponse, DropCommitResponse__Output as _strata_pfs_v1_DropCommitResponse__Output } from '../../../strata/pfs/v1/DropCommitResponse.ts';
import type { FileInfo as _strata_pfs_v1_FileInfo, FileInfo__Output as _strata_pfs_v1_FileInfo__Output } from '../../../strata/pfs/v1/FileInfo.ts';
import type { FinishCommitRequest as _strata_pfs_v1_FinishCommitRequest, FinishCommitRequest__Output as _strata_pfs_v1_FinishCommitRequest__Output } from '../../../strata/pfs/v1/FinishCommitRequest.ts';
import type { FsckRequest as _strata_pfs_v1_FsckRequest, FsckRequest__Output as _strata_pfs_v1_FsckRequest__Output } from '../../../strata/pfs/v1/FsckRequest.ts';
import type { FsckResponse as _strata_pfs_v1_FsckResponse, FsckResponse__Output as _strata_pfs_v1_FsckResponse__Output } from '../../../strata/pfs/v1/FsckResponse.ts';
import type { GarbageCollectRequest as _strata_pfs_v1_GarbageCollectRequest, GarbageCollectRequest__Output as _strata_pfs_v1_GarbageCollectRequest__Output } from '../../../strata/pfs/v1/GarbageCollectRequest.ts';
import type { GarbageCollectResponse as _strata_pfs_v1_GarbageCollectResponse, GarbageCollectResponse__Output as _strata_pfs_v1_GarbageCollectResponse__Output } from '../../../strata/pfs/v1/GarbageCollectResponse.ts';
import type { GetChunksRequest as _strata_pfs_v1_GetChunksRequest, GetChunksRequest__Output as _strata_pfs_v1_GetChunksRequest__Output } from '../../../strata/pfs/v1/GetChunksRequest.ts';
import type { GetChunksResponse as _strata_pfs_v1_GetChunksResponse, GetChunksResponse__Output as _strata_pfs_v1_GetChunksResponse__Output } from '../../../strata/pfs/v1/GetChunksResponse.ts';
import type { GetFileRequest as _strata_pfs_v1_GetFileRequest, GetFileRequest__Output as _strata_pfs_v1_GetFileRequest__Output } from '../../../strata/pfs/v1/GetFileRequest.ts';
import type { GetFileResponse as _strata_pfs_v1_GetFileResponse, GetFileResponse__Output as _strata_pfs_v1_GetFileResponse__Output } from '../../../strata/pfs/v1/GetFileResponse.ts';
import type { GetServerInfoRequest as _strata_pfs_v1_GetServerInfoRequest, GetServerInfoRequest__Output as _strata_pfs_v1_GetServerInfoRequest__Output } from '../../../strata/pfs/v1/GetServerInfoRequest.ts';
import type { GetTarRequest as _strata_pfs_v1_GetTarRequest, GetTarRequest__Output as _strata_pfs_v1_GetTarRequest__Output } from '../../../strata/pfs/v1/GetTarRequest.ts';
import type { GetTarResponse as _strata_pfs_v1_GetTarResponse, GetTarResponse__Output as _strata_pfs_v1_GetTarResponse__Output } from '../../../strata/pfs/v1/GetTarResponse.ts';
import type { GlobFileRequest as _strata_pfs_v1_GlobFileRequest, GlobFileRequest__Output as _strata_pfs_v1_GlobFileRequest__Output } from '../../../strata/pfs/v1/GlobFileRequest.ts';
import type { InspectBranchRequest as _strata_pfs_v1_InspectBranchRequest, InspectBranchRequest__Output as _strata_pfs_v1_InspectBranchRequest__Output } from '../../../strata/pfs/v1/InspectBranchRequest.ts';
import type { InspectCommitRequest as _strata_pfs_v1_InspectCommitRequest, InspectCommitRequest__Output as _strata_pfs_v1_InspectCommitRequest__Output } from '../../../strata/pfs/v1/InspectCommitRequest.ts';
import type { InspectFileRequest as _strata_pfs_v1_InspectFileRequest, InspectFileRequest__Output as _strata_pfs_v1_InspectFileRequest__Output } from '../../../strata/pfs/v1/InspectFileRequest.ts';
import type { InspectRepoRequest as _strata_pfs_v1_InspectRepoRequest, InspectRepoRequest__Output as _strata_pfs_v1_InspectRepoRequest__Output } from '../../../strata/pfs/v1/InspectRepoRequest.ts';
import type { InspectTagRequest as _strata_pfs_v1_InspectTagRequest, InspectTagRequest__Output as _strata_pfs_v1_InspectTagRequest__Output } from '../../../strata/pfs/v1/InspectTagRequest.ts';
import type { ListBranchRequest as _strata_pfs_v1_ListBranchRequest, ListBranchRequest__Output as _strata_pfs_v1_ListBranchRequest__Output } from '../../../strata/pfs/v1/ListBranchRequest.ts';
import type { ListBranchResponse as _strata_pfs_v1_ListBranchResponse, ListBranchResponse__Output as _strata_pfs_v1_ListBranchResponse__Output } from '../../../strata/pfs/v1/ListBranchResponse.ts';
import type { ListCommitRequest as _strata_pfs_v1_ListCommitRequest, ListCommitRequest__Output as _strata_pfs_v1_ListCommitRequest__Output } from '../../../strata/pfs/v1/ListCommitRequest.ts';
import type { ListFileRequest as _strata_pfs_v1_ListFileRequest, ListFileRequest__Output as _strata_pfs_v1_ListFileRequest__Output } from '../../../strata/pfs/v1/ListFileRequest.ts';
import type { ListRepoRequest as _strata_pfs_v1_ListRepoRequest, ListRepoRequest__Output as _strata_pfs_v1_ListRepoRequest__Output } from '../../../strata/pfs/v1/ListRepoRequest.ts';
import type { ListRepoResponse as _strata_pfs_v1_ListRepoResponse, ListRepoResponse__Output as _strata_pfs_v1_ListRepoResponse__Output } from '../../../strata/pfs/v1/ListRepoResponse.ts';
import type { ListSubvenanceRequest as _strata_pfs_v1_ListSubvenanceRequest, ListSubvenanceRequest__Output as _strata_pfs_v1_ListSubvenanceRequest__Output } from '../../../strata/pfs/v1/ListSubvenanceRequest.ts';
import type { ListSubvenanceResponse as _strata_pfs_v1_ListSubvenanceResponse, ListSubvenanceResponse__Output as _strata_pfs_v1_ListSubvenanceResponse__Output } from '../../../strata/pfs/v1/ListSubvenanceResponse.ts';
import type { ListTagRequest as _strata_pfs_v1_ListTagRequest, ListTagRequest__Output as _strata_pfs_v1_ListTagRequest__Output } from '../../../strata/pfs/v1/ListTagRequest.ts';
import type { ListTagResponse as _strata_pfs_v1_ListTagResponse, ListTagResponse__Output as _strata_pfs_v1_ListTagResponse__Output } from '../../../strata/pfs/v1/ListTagResponse.ts';
import type { MissingChunksRequest as _strata_pfs_v1_MissingChunksRequest, MissingChunksRequest__Output as _strata_pfs_v1_MissingChunksRequest__Output } from '../../../strata/pfs/v1/MissingChunksRequest.ts';
import type { MissingChunksResponse as _strata_pfs_v1_MissingChunksResponse, MissingChunksResponse__Output as _strata_pfs_v1_MissingChunksResponse__Output } from '../../../strata/pfs/v1/MissingChunksResponse.ts';
import type { ModifyFileRequest as _strata_pfs_v1_ModifyFileRequest, ModifyFileRequest__Output as _strata_pfs_v1_ModifyFileRequest__Output } from '../../../strata/pfs/v1/ModifyFileRequest.ts';
import type { RepoInfo as _strata_pfs_v1_RepoInfo, RepoInfo__Output as _strata_pfs_v1_RepoInfo__Output } from '../../../strata/pfs/v1/RepoInfo.ts';
import type { ResetBranchRequest as _strata_pfs_v1_ResetBranchRequest, ResetBranchRequest__Output as _strata_pfs_v1_ResetBranchRequest__Output } from '../../../strata/pfs/v1/ResetBranchRequest.ts';
import type { ResetBranchResponse as _strata_pfs_v1_ResetBranchResponse, ResetBranchResponse__Output as _strata_pfs_v1_ResetBranchResponse__Output } from '../../../strata/pfs/v1/ResetBranchResponse.ts';
import type { ServerInfo as _strata_pfs_v1_ServerInfo, ServerInfo__Output as _strata_pfs_v1_ServerInfo__Output } from '../../../strata/pfs/v1/ServerInfo.ts';
import type { SquashCommitRequest as _strata_pfs_v1_SquashCommitRequest, SquashCommitRequest__Output as _strata_pfs_v1_SquashCommitRequest__Output } from '../../../strata/pfs/v1/SquashCommitRequest.ts';
import type { SquashCommitResponse as _strata_pfs_v1_SquashCommitResponse, SquashCommitResponse__Output as _strata_pfs_v1_SquashCommitResponse__Output } from '../../../strata/pfs/v1/SquashCommitResponse.ts';
import type { StartCommitRequest as _strata_pfs_v1_StartCommitRequest, StartCommitRequest__Output as _strata_pfs_v1_StartCommitRequest__Output } from '../../../strata/pfs/v1/StartCommitRequest.ts';
import type { SubscribeCommitRequest as _strata_pfs_v1_SubscribeCommitRequest, SubscribeCommitRequest__Output as _strata_pfs_v1_SubscribeCommitRequest__Output } from '../../../strata/pfs/v1/SubscribeCommitRequest.ts';
import type { TagInfo as _strata_pfs_v1_TagInfo, TagInfo__Output as _strata_pfs_v1_TagInfo__Output } from '../../../strata/pfs/v1/TagInfo.ts';
import type { UploadChunksRequest as _strata_pfs_v1_UploadChunksRequest, UploadChunksRequest__Output as _strata_pfs_v1_UploadChunksRequest__Output } from '../../../strata/pfs/v1/UploadChunksRequest.ts';
import type { UploadChunksResponse as _strata_pfs_v1_UploadChunksResponse, UploadChunksResponse__Output as _strata_pfs_v1_UploadChunksResponse__Output } from '../../../strata/pfs/v1/UploadChunksResponse.ts';
import type { WaitCommitRequest as _strata_pfs_v1_WaitCommitRequest, WaitCommitRequest__Output as _strata_pfs_v1_WaitCommitRequest__Output } from '../../../strata/pfs/v1/WaitCommitRequest.ts';
import type { WalkFileRequest as _strata_pfs_v1_WalkFileRequest, WalkFileRequest__Output as _strata_pfs_v1_WalkFileRequest__Output } from '../../../strata/pfs/v1/WalkFileRequest.ts';

export interface PfsServiceClient extends grpc.Client {
  /**
   * Creates a branch, optionally starting at a commit and with provenance.
   */
  CreateBranch(argument: _strata_pfs_v1_CreateBranchRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_strata_pfs_v1_BranchInfo__Output>): grpc.ClientUnaryCall;
  CreateBranch(argument: _strata_pfs_v1_CreateBranchRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_strata_pfs_v1_BranchInfo__Output>): grpc.ClientUnaryCall;
  CreateBranch(argument: _strata_pfs_v1_CreateBranchRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_strata_pfs_v1_BranchInfo__Output>): grpc.ClientUnaryCall;
  CreateBranch(argument: _strata_pfs_v1_CreateBranchRequest, callback: grpc.requestCallback<_strata_pfs_v1_BranchInfo__Output>): grpc.ClientUnaryCall;
  /**
   * Creates a branch, optionally starting at a commit and with provenance.
   */
  createBranch(argument: _strata_pfs_v1_CreateBranchRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_strata_pfs_v1_BranchInfo__Output>): grpc.ClientUnaryCall;
  createBranch(argument: _strata_pfs_v1_CreateBranchRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_strata_pfs_v1_BranchInfo__Output>): grpc.ClientUnaryCall;
  createBranch(argument: _strata_pfs_v1_CreateBranchRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_strata_pfs_v1_BranchInfo__Output>): grpc.ClientUnaryCall;
  createBranch(argument: _strata_pfs_v1_CreateBranchRequest, callback: grpc.requestCallback<_strata_pfs_v1_BranchInfo__Output>): grpc.ClientUnaryCall;
  
  /**
   * Creates an empty repo (branches appear with the first commit, or
   * CreateBranch). REPO_EXISTS if it exists.
   */
  CreateRepo(argument: _strata_pfs_v1_CreateRepoRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_strata_pfs_v1_RepoInfo__Output>): grpc.ClientUnaryCall;
  CreateRepo(argument: _strata_pfs_v1_CreateRepoRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_strata_pfs_v1_RepoInfo__Output>): grpc.ClientUnaryCall;
  CreateRepo(argument: _strata_pfs_v1_CreateRepoRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_strata_pfs_v1_RepoInfo__Output>): grpc.ClientUnaryCall;
  CreateRepo(argument: _strata_pfs_v1_CreateRepoRequest, callback: grpc.requestCallback<_strata_pfs_v1_RepoInfo__Output>): grpc.ClientUnaryCall;
  /**
   * Creates an empty repo (branches appear with the first commit, or
   * CreateBranch). REPO_EXISTS if it exists.
   */
  createRepo(argument: _strata_pfs_v1_CreateRepoRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_strata_pfs_v1_RepoInfo__Output>): grpc.ClientUnaryCall;
  createRepo(argument: _strata_pfs_v1_CreateRepoRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_strata_pfs_v1_RepoInfo__Output>): grpc.ClientUnaryCall;
  createRepo(argument: _strata_pfs_v1_CreateRepoRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_strata_pfs_v1_RepoInfo__Output>): grpc.ClientUnaryCall;
  createRepo(argument: _strata_pfs_v1_CreateRepoRequest, callback: grpc.requestCallback<_strata_pfs_v1_RepoInfo__Output>): grpc.ClientUnaryCall;
  
  /**
   * Names a finished commit, immutably: `repo@tag` then resolves to it
   * anywhere a ref is taken. Tags and branches of a repo share one
   * namespace (REF_NAME_TAKEN); a tagged commit cannot be dropped or
   * squashed (COMMIT_TAGGED).
   */
  CreateTag(argument: _strata_pfs_v1_CreateTagRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_strata_pfs_v1_TagInfo__Output>): grpc.ClientUnaryCall;
  CreateTag(argument: _strata_pfs_v1_CreateTagRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_strata_pfs_v1_TagInfo__Output>): grpc.ClientUnaryCall;
  CreateTag(argument: _strata_pfs_v1_CreateTagRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_strata_pfs_v1_TagInfo__Output>): grpc.ClientUnaryCall;
  CreateTag(argument: _strata_pfs_v1_CreateTagRequest, callback: grpc.requestCallback<_strata_pfs_v1_TagInfo__Output>): grpc.ClientUnaryCall;
  /**
   * Names a finished commit, immutably: `repo@tag` then resolves to it
   * anywhere a ref is taken. Tags and branches of a repo share one
   * namespace (REF_NAME_TAKEN); a tagged commit cannot be dropped or
   * squashed (COMMIT_TAGGED).
   */
  createTag(argument: _strata_pfs_v1_CreateTagRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_strata_pfs_v1_TagInfo__Output>): grpc.ClientUnaryCall;
  createTag(argument: _strata_pfs_v1_CreateTagRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_strata_pfs_v1_TagInfo__Output>): grpc.ClientUnaryCall;
  createTag(argument: _strata_pfs_v1_CreateTagRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_strata_pfs_v1_TagInfo__Output>): grpc.ClientUnaryCall;
  createTag(argument: _strata_pfs_v1_CreateTagRequest, callback: grpc.requestCallback<_strata_pfs_v1_TagInfo__Output>): grpc.ClientUnaryCall;
  
  /**
   * Deletes the branch pointer; its commits stay reachable by id.
   */
  DeleteBranch(argument: _strata_pfs_v1_DeleteBranchRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_strata_pfs_v1_DeleteBranchResponse__Output>): grpc.ClientUnaryCall;
  DeleteBranch(argument: _strata_pfs_v1_DeleteBranchRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_strata_pfs_v1_DeleteBranchResponse__Output>): grpc.ClientUnaryCall;
  DeleteBranch(argument: _strata_pfs_v1_DeleteBranchRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_strata_pfs_v1_DeleteBranchResponse__Output>): grpc.ClientUnaryCall;
  DeleteBranch(argument: _strata_pfs_v1_DeleteBranchRequest, callback: grpc.requestCallback<_strata_pfs_v1_DeleteBranchResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Deletes the branch pointer; its commits stay reachable by id.
   */
  deleteBranch(argument: _strata_pfs_v1_DeleteBranchRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_strata_pfs_v1_DeleteBranchResponse__Output>): grpc.ClientUnaryCall;
  deleteBranch(argument: _strata_pfs_v1_DeleteBranchRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_strata_pfs_v1_DeleteBranchResponse__Output>): grpc.ClientUnaryCall;
  deleteBranch(argument: _strata_pfs_v1_DeleteBranchRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_strata_pfs_v1_DeleteBranchResponse__Output>): grpc.ClientUnaryCall;
  deleteBranch(argument: _strata_pfs_v1_DeleteBranchRequest, callback: grpc.requestCallback<_strata_pfs_v1_DeleteBranchResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Deletes a repo with its branches and commits. REPO_HAS_DEPENDENTS when
   * other repos' branches have it as provenance, unless `force`.
   */
  DeleteRepo(argument: _strata_pfs_v1_DeleteRepoRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_strata_pfs_v1_DeleteRepoResponse__Output>): grpc.ClientUnaryCall;
  DeleteRepo(argument: _strata_pfs_v1_DeleteRepoRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_strata_pfs_v1_DeleteRepoResponse__Output>): grpc.ClientUnaryCall;
  DeleteRepo(argument: _strata_pfs_v1_DeleteRepoRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_strata_pfs_v1_DeleteRepoResponse__Output>): grpc.ClientUnaryCall;
  DeleteRepo(argument: _strata_pfs_v1_DeleteRepoRequest, callback: grpc.requestCallback<_strata_pfs_v1_DeleteRepoResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Deletes a repo with its branches and commits. REPO_HAS_DEPENDENTS when
   * other repos' branches have it as provenance, unless `force`.
   */
  deleteRepo(argument: _strata_pfs_v1_DeleteRepoRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_strata_pfs_v1_DeleteRepoResponse__Output>): grpc.ClientUnaryCall;
  deleteRepo(argument: _strata_pfs_v1_DeleteRepoRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_strata_pfs_v1_DeleteRepoResponse__Output>): grpc.ClientUnaryCall;
  deleteRepo(argument: _strata_pfs_v1_DeleteRepoRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_strata_pfs_v1_DeleteRepoResponse__Output>): grpc.ClientUnaryCall;
  deleteRepo(argument: _strata_pfs_v1_DeleteRepoRequest, callback: grpc.requestCallback<_strata_pfs_v1_DeleteRepoResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Deletes the name only; the commit stays.
   */
  DeleteTag(argument: _strata_pfs_v1_DeleteTagRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_strata_pfs_v1_DeleteTagResponse__Output>): grpc.ClientUnaryCall;
  DeleteTag(argument: _strata_pfs_v1_DeleteTagRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_strata_pfs_v1_DeleteTagResponse__Output>): grpc.ClientUnaryCall;
  DeleteTag(argument: _strata_pfs_v1_DeleteTagRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_strata_pfs_v1_DeleteTagResponse__Output>): grpc.ClientUnaryCall;
  DeleteTag(argument: _strata_pfs_v1_DeleteTagRequest, callback: grpc.requestCallback<_strata_pfs_v1_DeleteTagResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Deletes the name only; the commit stays.
   */
  deleteTag(argument: _strata_pfs_v1_DeleteTagRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_strata_pfs_v1_DeleteTagResponse__Output>): grpc.ClientUnaryCall;
  deleteTag(argument: _strata_pfs_v1_DeleteTagRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_strata_pfs_v1_DeleteTagResponse__Output>): grpc.ClientUnaryCall;
  deleteTag(argument: _strata_pfs_v1_DeleteTagRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_strata_pfs_v1_DeleteTagResponse__Output>): grpc.ClientUnaryCall;
  deleteTag(argument: _strata_pfs_v1_DeleteTagRequest, callback: grpc.requestCallback<_strata_pfs_v1_DeleteTagResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Changes between two commits, in path order.
   */
  DiffFile(argument: _strata_pfs_v1_DiffFileRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_strata_pfs_v1_DiffEntry__Output>;
  DiffFile(argument: _strata_pfs_v1_DiffFileRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_strata_pfs_v1_DiffEntry__Output>;
  /**
   * Changes between two commits, in path order.
   */
  diffFile(argument: _strata_pfs_v1_DiffFileRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_strata_pfs_v1_DiffEntry__Output>;
  diffFile(argument: _strata_pfs_v1_DiffFileRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_strata_pfs_v1_DiffEntry__Output>;
  
  /**
   * Removes a commit that has no children; branch heads at it move to its parent.
   */
  DropCommit(argument: _strata_pfs_v1_DropCommitRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_strata_pfs_v1_DropCommitResponse__Output>): grpc.ClientUnaryCall;
  DropCommit(argument: _strata_pfs_v1_DropCommitRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_strata_pfs_v1_DropCommitResponse__Output>): grpc.ClientUnaryCall;
  DropCommit(argument: _strata_pfs_v1_DropCommitRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_strata_pfs_v1_DropCommitResponse__Output>): grpc.ClientUnaryCall;
  DropCommit(argument: _strata_pfs_v1_DropCommitRequest, callback: grpc.requestCallback<_strata_pfs_v1_DropCommitResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Removes a commit that has no children; branch heads at it move to its parent.
   */
  dropCommit(argument: _strata_pfs_v1_DropCommitRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_strata_pfs_v1_DropCommitResponse__Output>): grpc.ClientUnaryCall;
  dropCommit(argument: _strata_pfs_v1_DropCommitRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_strata_pfs_v1_DropCommitResponse__Output>): grpc.ClientUnaryCall;
  dropCommit(argument: _strata_pfs_v1_DropCommitRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_strata_pfs_v1_DropCommitResponse__Output>): grpc.ClientUnaryCall;
  dropCommit(argument: _strata_pfs_v1_DropCommitRequest, callback: grpc.requestCallback<_strata_pfs_v1_DropCommitResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Finishes an open commit: builds its file index and moves the branch head.
   */
  FinishCommit(argument: _strata_pfs_v1_FinishCommitRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_strata_pfs_v1_CommitInfo__Output>): grpc.ClientUnaryCall;
  FinishCommit(argument: _strata_pfs_v1_FinishCommitRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_strata_pfs_v1_CommitInfo__Output>): grpc.ClientUnaryCall;
  FinishCommit(argument: _strata_pfs_v1_FinishCommitRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_strata_pfs_v1_CommitInfo__Output>): grpc.ClientUnaryCall;
  FinishCommit(argument: _strata_pfs_v1_FinishCommitRequest, callback: grpc.requestCallback<_strata_pfs_v1_CommitInfo__Output>): grpc.ClientUnaryCall;
  /**
   * Finishes an open commit: builds its file index and moves the branch head.
   */
  finishCommit(argument: _strata_pfs_v1_FinishCommitRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_strata_pfs_v1_CommitInfo__Output>): grpc.ClientUnaryCall;
  finishCommit(argument: _strata_pfs_v1_FinishCommitRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_strata_pfs_v1_CommitInfo__Output>): grpc.ClientUnaryCall;
  finishCommit(argument: _strata_pfs_v1_FinishCommitRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_strata_pfs_v1_CommitInfo__Output>): grpc.ClientUnaryCall;
  finishCommit(argument: _strata_pfs_v1_FinishCommitRequest, callback: grpc.requestCallback<_strata_pfs_v1_CommitInfo__Output>): grpc.ClientUnaryCall;
  
  /**
   * Checks every finished commit's index and chunks (and with
   * `verify_data`, every stored byte).
   */
  Fsck(argument: _strata_pfs_v1_FsckRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_strata_pfs_v1_FsckResponse__Output>): grpc.ClientUnaryCall;
  Fsck(argument: _strata_pfs_v1_FsckRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_strata_pfs_v1_FsckResponse__Output>): grpc.ClientUnaryCall;
  Fsck(argument: _strata_pfs_v1_FsckRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_strata_pfs_v1_FsckResponse__Output>): grpc.ClientUnaryCall;
  Fsck(argument: _strata_pfs_v1_FsckRequest, callback: grpc.requestCallback<_strata_pfs_v1_FsckResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Checks every finished commit's index and chunks (and with
   * `verify_data`, every stored byte).
   */
  fsck(argument: _strata_pfs_v1_FsckRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_strata_pfs_v1_FsckResponse__Output>): grpc.ClientUnaryCall;
  fsck(argument: _strata_pfs_v1_FsckRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_strata_pfs_v1_FsckResponse__Output>): grpc.ClientUnaryCall;
  fsck(argument: _strata_pfs_v1_FsckRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_strata_pfs_v1_FsckResponse__Output>): grpc.ClientUnaryCall;
  fsck(argument: _strata_pfs_v1_FsckRequest, callback: grpc.requestCallback<_strata_pfs_v1_FsckResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Mark-and-sweep of chunks no commit or open commit can reach.
   */
  GarbageCollect(argument: _strata_pfs_v1_GarbageCollectRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_strata_pfs_v1_GarbageCollectResponse__Output>): grpc.ClientUnaryCall;
  GarbageCollect(argument: _strata_pfs_v1_GarbageCollectRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_strata_pfs_v1_GarbageCollectResponse__Output>): grpc.ClientUnaryCall;
  GarbageCollect(argument: _strata_pfs_v1_GarbageCollectRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_strata_pfs_v1_GarbageCollectResponse__Output>): grpc.ClientUnaryCall;
  GarbageCollect(argument: _strata_pfs_v1_GarbageCollectRequest, callback: grpc.requestCallback<_strata_pfs_v1_GarbageCollectResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Mark-and-sweep of chunks no commit or open commit can reach.
   */
  garbageCollect(argument: _strata_pfs_v1_GarbageCollectRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_strata_pfs_v1_GarbageCollectResponse__Output>): grpc.ClientUnaryCall;
  garbageCollect(argument: _strata_pfs_v1_GarbageCollectRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_strata_pfs_v1_GarbageCollectResponse__Output>): grpc.ClientUnaryCall;
  garbageCollect(argument: _strata_pfs_v1_GarbageCollectRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_strata_pfs_v1_GarbageCollectResponse__Output>): grpc.ClientUnaryCall;
  garbageCollect(argument: _strata_pfs_v1_GarbageCollectRequest, callback: grpc.requestCallback<_strata_pfs_v1_GarbageCollectResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Chunks by hash (as InspectFile's `include_chunks` lists them), in
   * request order, each verified against its hash by the server before it
   * is sent unless the request says the client checks them itself
   * (`client_verifies`). A hash the server does not hold fails the call with
   * CHUNK_UNKNOWN (NOT_FOUND); stored bytes that no longer match their hash
   * fail it with CHUNK_CORRUPT (DATA_LOSS): wrong bytes are never sent to a
   * client that does not check them. Clients read a file by asking for its
   * chunks in batches, with several calls in flight, and can check each
   * chunk against the hash they asked for.
   */
  GetChunks(argument: _strata_pfs_v1_GetChunksRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_strata_pfs_v1_GetChunksResponse__Output>;
  GetChunks(argument: _strata_pfs_v1_GetChunksRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_strata_pfs_v1_GetChunksResponse__Output>;
  /**
   * Chunks by hash (as InspectFile's `include_chunks` lists them), in
   * request order, each verified against its hash by the server before it
   * is sent unless the request says the client checks them itself
   * (`client_verifies`). A hash the server does not hold fails the call with
   * CHUNK_UNKNOWN (NOT_FOUND); stored bytes that no longer match their hash
   * fail it with CHUNK_CORRUPT (DATA_LOSS): wrong bytes are never sent to a
   * client that does not check them. Clients read a file by asking for its
   * chunks in batches, with several calls in flight, and can check each
   * chunk against the hash they asked for.
   */
  getChunks(argument: _strata_pfs_v1_GetChunksRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_strata_pfs_v1_GetChunksResponse__Output>;
  getChunks(argument: _strata_pfs_v1_GetChunksRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_strata_pfs_v1_GetChunksResponse__Output>;
  
  /**
   * A file's bytes (or `length` bytes from `offset`), in order.
   */
  GetFile(argument: _strata_pfs_v1_GetFileRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_strata_pfs_v1_GetFileResponse__Output>;
  GetFile(argument: _strata_pfs_v1_GetFileRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_strata_pfs_v1_GetFileResponse__Output>;
  /**
   * A file's bytes (or `length` bytes from `offset`), in order.
   */
  getFile(argument: _strata_pfs_v1_GetFileRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_strata_pfs_v1_GetFileResponse__Output>;
  getFile(argument: _strata_pfs_v1_GetFileRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_strata_pfs_v1_GetFileResponse__Output>;
  
  /**
   * The server's version (for `strata version` and compatibility checks).
   */
  GetServerInfo(argument: _strata_pfs_v1_GetServerInfoRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_strata_pfs_v1_ServerInfo__Output>): grpc.ClientUnaryCall;
  GetServerInfo(argument: _strata_pfs_v1_GetServerInfoRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_strata_pfs_v1_ServerInfo__Output>): grpc.ClientUnaryCall;
  GetServerInfo(argument: _strata_pfs_v1_GetServerInfoRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_strata_pfs_v1_ServerInfo__Output>): grpc.ClientUnaryCall;
  GetServerInfo(argument: _strata_pfs_v1_GetServerInfoRequest, callback: grpc.requestCallback<_strata_pfs_v1_ServerInfo__Output>): grpc.ClientUnaryCall;
  /**
   * The server's version (for `strata version` and compatibility checks).
   */
  getServerInfo(argument: _strata_pfs_v1_GetServerInfoRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_strata_pfs_v1_ServerInfo__Output>): grpc.ClientUnaryCall;
  getServerInfo(argument: _strata_pfs_v1_GetServerInfoRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_strata_pfs_v1_ServerInfo__Output>): grpc.ClientUnaryCall;
  getServerInfo(argument: _strata_pfs_v1_GetServerInfoRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_strata_pfs_v1_ServerInfo__Output>): grpc.ClientUnaryCall;
  getServerInfo(argument: _strata_pfs_v1_GetServerInfoRequest, callback: grpc.requestCallback<_strata_pfs_v1_ServerInfo__Output>): grpc.ClientUnaryCall;
  
  /**
   * A tar archive (ustar/pax) of a directory's files or of a glob's matches.
   */
  GetTar(argument: _strata_pfs_v1_GetTarRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_strata_pfs_v1_GetTarResponse__Output>;
  GetTar(argument: _strata_pfs_v1_GetTarRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_strata_pfs_v1_GetTarResponse__Output>;
  /**
   * A tar archive (ustar/pax) of a directory's files or of a glob's matches.
   */
  getTar(argument: _strata_pfs_v1_GetTarRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_strata_pfs_v1_GetTarResponse__Output>;
  getTar(argument: _strata_pfs_v1_GetTarRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_strata_pfs_v1_GetTarResponse__Output>;
  
  /**
   * Files matching a glob (`*`, `**`, `?`, `[...]`, `{a,b}`), in path order.
   */
  GlobFile(argument: _strata_pfs_v1_GlobFileRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_strata_pfs_v1_FileInfo__Output>;
  GlobFile(argument: _strata_pfs_v1_GlobFileRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_strata_pfs_v1_FileInfo__Output>;
  /**
   * Files matching a glob (`*`, `**`, `?`, `[...]`, `{a,b}`), in path order.
   */
  globFile(argument: _strata_pfs_v1_GlobFileRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_strata_pfs_v1_FileInfo__Output>;
  globFile(argument: _strata_pfs_v1_GlobFileRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_strata_pfs_v1_FileInfo__Output>;
  
  InspectBranch(argument: _strata_pfs_v1_InspectBranchRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_strata_pfs_v1_BranchInfo__Output>): grpc.ClientUnaryCall;
  InspectBranch(argument: _strata_pfs_v1_InspectBranchRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_strata_pfs_v1_BranchInfo__Output>): grpc.ClientUnaryCall;
  InspectBranch(argument: _strata_pfs_v1_InspectBranchRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_strata_pfs_v1_BranchInfo__Output>): grpc.ClientUnaryCall;
  InspectBranch(argument: _strata_pfs_v1_InspectBranchRequest, callback: grpc.requestCallback<_strata_pfs_v1_BranchInfo__Output>): grpc.ClientUnaryCall;
  inspectBranch(argument: _strata_pfs_v1_InspectBranchRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_strata_pfs_v1_BranchInfo__Output>): grpc.ClientUnaryCall;
  inspectBranch(argument: _strata_pfs_v1_InspectBranchRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_strata_pfs_v1_BranchInfo__Output>): grpc.ClientUnaryCall;
  inspectBranch(argument: _strata_pfs_v1_InspectBranchRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_strata_pfs_v1_BranchInfo__Output>): grpc.ClientUnaryCall;
  inspectBranch(argument: _strata_pfs_v1_InspectBranchRequest, callback: grpc.requestCallback<_strata_pfs_v1_BranchInfo__Output>): grpc.ClientUnaryCall;
  
  InspectCommit(argument: _strata_pfs_v1_InspectCommitRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_strata_pfs_v1_CommitInfo__Output>): grpc.ClientUnaryCall;
  InspectCommit(argument: _strata_pfs_v1_InspectCommitRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_strata_pfs_v1_CommitInfo__Output>): grpc.ClientUnaryCall;
  InspectCommit(argument: _strata_pfs_v1_InspectCommitRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_strata_pfs_v1_CommitInfo__Output>): grpc.ClientUnaryCall;
  InspectCommit(argument: _strata_pfs_v1_InspectCommitRequest, callback: grpc.requestCallback<_strata_pfs_v1_CommitInfo__Output>): grpc.ClientUnaryCall;
  inspectCommit(argument: _strata_pfs_v1_InspectCommitRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_strata_pfs_v1_CommitInfo__Output>): grpc.ClientUnaryCall;
  inspectCommit(argument: _strata_pfs_v1_InspectCommitRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_strata_pfs_v1_CommitInfo__Output>): grpc.ClientUnaryCall;
  inspectCommit(argument: _strata_pfs_v1_InspectCommitRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_strata_pfs_v1_CommitInfo__Output>): grpc.ClientUnaryCall;
  inspectCommit(argument: _strata_pfs_v1_InspectCommitRequest, callback: grpc.requestCallback<_strata_pfs_v1_CommitInfo__Output>): grpc.ClientUnaryCall;
  
  InspectFile(argument: _strata_pfs_v1_InspectFileRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_strata_pfs_v1_FileInfo__Output>): grpc.ClientUnaryCall;
  InspectFile(argument: _strata_pfs_v1_InspectFileRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_strata_pfs_v1_FileInfo__Output>): grpc.ClientUnaryCall;
  InspectFile(argument: _strata_pfs_v1_InspectFileRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_strata_pfs_v1_FileInfo__Output>): grpc.ClientUnaryCall;
  InspectFile(argument: _strata_pfs_v1_InspectFileRequest, callback: grpc.requestCallback<_strata_pfs_v1_FileInfo__Output>): grpc.ClientUnaryCall;
  inspectFile(argument: _strata_pfs_v1_InspectFileRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_strata_pfs_v1_FileInfo__Output>): grpc.ClientUnaryCall;
  inspectFile(argument: _strata_pfs_v1_InspectFileRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_strata_pfs_v1_FileInfo__Output>): grpc.ClientUnaryCall;
  inspectFile(argument: _strata_pfs_v1_InspectFileRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_strata_pfs_v1_FileInfo__Output>): grpc.ClientUnaryCall;
  inspectFile(argument: _strata_pfs_v1_InspectFileRequest, callback: grpc.requestCallback<_strata_pfs_v1_FileInfo__Output>): grpc.ClientUnaryCall;
  
  /**
   * One repo. REPO_NOT_FOUND if there is none.
   */
  InspectRepo(argument: _strata_pfs_v1_InspectRepoRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_strata_pfs_v1_RepoInfo__Output>): grpc.ClientUnaryCall;
  InspectRepo(argument: _strata_pfs_v1_InspectRepoRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_strata_pfs_v1_RepoInfo__Output>): grpc.ClientUnaryCall;
  InspectRepo(argument: _strata_pfs_v1_InspectRepoRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_strata_pfs_v1_RepoInfo__Output>): grpc.ClientUnaryCall;
  InspectRepo(argument: _strata_pfs_v1_InspectRepoRequest, callback: grpc.requestCallback<_strata_pfs_v1_RepoInfo__Output>): grpc.ClientUnaryCall;
  /**
   * One repo. REPO_NOT_FOUND if there is none.
   */
  inspectRepo(argument: _strata_pfs_v1_InspectRepoRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_strata_pfs_v1_RepoInfo__Output>): grpc.ClientUnaryCall;
  inspectRepo(argument: _strata_pfs_v1_InspectRepoRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_strata_pfs_v1_RepoInfo__Output>): grpc.ClientUnaryCall;
  inspectRepo(argument: _strata_pfs_v1_InspectRepoRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_strata_pfs_v1_RepoInfo__Output>): grpc.ClientUnaryCall;
  inspectRepo(argument: _strata_pfs_v1_InspectRepoRequest, callback: grpc.requestCallback<_strata_pfs_v1_RepoInfo__Output>): grpc.ClientUnaryCall;
  
  InspectTag(argument: _strata_pfs_v1_InspectTagRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_strata_pfs_v1_TagInfo__Output>): grpc.ClientUnaryCall;
  InspectTag(argument: _strata_pfs_v1_InspectTagRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_strata_pfs_v1_TagInfo__Output>): grpc.ClientUnaryCall;
  InspectTag(argument: _strata_pfs_v1_InspectTagRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_strata_pfs_v1_TagInfo__Output>): grpc.ClientUnaryCall;
  InspectTag(argument: _strata_pfs_v1_InspectTagRequest, callback: grpc.requestCallback<_strata_pfs_v1_TagInfo__Output>): grpc.ClientUnaryCall;
  inspectTag(argument: _strata_pfs_v1_InspectTagRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_strata_pfs_v1_TagInfo__Output>): grpc.ClientUnaryCall;
  inspectTag(argument: _strata_pfs_v1_InspectTagRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_strata_pfs_v1_TagInfo__Output>): grpc.ClientUnaryCall;
  inspectTag(argument: _strata_pfs_v1_InspectTagRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_strata_pfs_v1_TagInfo__Output>): grpc.ClientUnaryCall;
  inspectTag(argument: _strata_pfs_v1_InspectTagRequest, callback: grpc.requestCallback<_strata_pfs_v1_TagInfo__Output>): grpc.ClientUnaryCall;
  
  ListBranch(argument: _strata_pfs_v1_ListBranchRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_strata_pfs_v1_ListBranchResponse__Output>): grpc.ClientUnaryCall;
  ListBranch(argument: _strata_pfs_v1_ListBranchRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_strata_pfs_v1_ListBranchResponse__Output>): grpc.ClientUnaryCall;
  ListBranch(argument: _strata_pfs_v1_ListBranchRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_strata_pfs_v1_ListBranchResponse__Output>): grpc.ClientUnaryCall;
  ListBranch(argument: _strata_pfs_v1_ListBranchRequest, callback: grpc.requestCallback<_strata_pfs_v1_ListBranchResponse__Output>): grpc.ClientUnaryCall;
  listBranch(argument: _strata_pfs_v1_ListBranchRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_strata_pfs_v1_ListBranchResponse__Output>): grpc.ClientUnaryCall;
  listBranch(argument: _strata_pfs_v1_ListBranchRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_strata_pfs_v1_ListBranchResponse__Output>): grpc.ClientUnaryCall;
  listBranch(argument: _strata_pfs_v1_ListBranchRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_strata_pfs_v1_ListBranchResponse__Output>): grpc.ClientUnaryCall;
  listBranch(argument: _strata_pfs_v1_ListBranchRequest, callback: grpc.requestCallback<_strata_pfs_v1_ListBranchResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * The log: commits from `ref` back towards the root, newest first.
   */
  ListCommit(argument: _strata_pfs_v1_ListCommitRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_strata_pfs_v1_CommitInfo__Output>;
  ListCommit(argument: _strata_pfs_v1_ListCommitRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_strata_pfs_v1_CommitInfo__Output>;
  /**
   * The log: commits from `ref` back towards the root, newest first.
   */
  listCommit(argument: _strata_pfs_v1_ListCommitRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_strata_pfs_v1_CommitInfo__Output>;
  listCommit(argument: _strata_pfs_v1_ListCommitRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_strata_pfs_v1_CommitInfo__Output>;
  
  /**
   * The direct children of a directory, in path order (a file lists itself).
   */
  ListFile(argument: _strata_pfs_v1_ListFileRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_strata_pfs_v1_FileInfo__Output>;
  ListFile(argument: _strata_pfs_v1_ListFileRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_strata_pfs_v1_FileInfo__Output>;
  /**
   * The direct children of a directory, in path order (a file lists itself).
   */
  listFile(argument: _strata_pfs_v1_ListFileRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_strata_pfs_v1_FileInfo__Output>;
  listFile(argument: _strata_pfs_v1_ListFileRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_strata_pfs_v1_FileInfo__Output>;
  
  /**
   * Every repo, by name.
   */
  ListRepo(argument: _strata_pfs_v1_ListRepoRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_strata_pfs_v1_ListRepoResponse__Output>): grpc.ClientUnaryCall;
  ListRepo(argument: _strata_pfs_v1_ListRepoRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_strata_pfs_v1_ListRepoResponse__Output>): grpc.ClientUnaryCall;
  ListRepo(argument: _strata_pfs_v1_ListRepoRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_strata_pfs_v1_ListRepoResponse__Output>): grpc.ClientUnaryCall;
  ListRepo(argument: _strata_pfs_v1_ListRepoRequest, callback: grpc.requestCallback<_strata_pfs_v1_ListRepoResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Every repo, by name.
   */
  listRepo(argument: _strata_pfs_v1_ListRepoRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_strata_pfs_v1_ListRepoResponse__Output>): grpc.ClientUnaryCall;
  listRepo(argument: _strata_pfs_v1_ListRepoRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_strata_pfs_v1_ListRepoResponse__Output>): grpc.ClientUnaryCall;
  listRepo(argument: _strata_pfs_v1_ListRepoRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_strata_pfs_v1_ListRepoResponse__Output>): grpc.ClientUnaryCall;
  listRepo(argument: _strata_pfs_v1_ListRepoRequest, callback: grpc.requestCallback<_strata_pfs_v1_ListRepoResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Commits whose provenance names this commit (downstream of it).
   */
  ListSubvenance(argument: _strata_pfs_v1_ListSubvenanceRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_strata_pfs_v1_ListSubvenanceResponse__Output>): grpc.ClientUnaryCall;
  ListSubvenance(argument: _strata_pfs_v1_ListSubvenanceRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_strata_pfs_v1_ListSubvenanceResponse__Output>): grpc.ClientUnaryCall;
  ListSubvenance(argument: _strata_pfs_v1_ListSubvenanceRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_strata_pfs_v1_ListSubvenanceResponse__Output>): grpc.ClientUnaryCall;
  ListSubvenance(argument: _strata_pfs_v1_ListSubvenanceRequest, callback: grpc.requestCallback<_strata_pfs_v1_ListSubvenanceResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Commits whose provenance names this commit (downstream of it).
   */
  listSubvenance(argument: _strata_pfs_v1_ListSubvenanceRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_strata_pfs_v1_ListSubvenanceResponse__Output>): grpc.ClientUnaryCall;
  listSubvenance(argument: _strata_pfs_v1_ListSubvenanceRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_strata_pfs_v1_ListSubvenanceResponse__Output>): grpc.ClientUnaryCall;
  listSubvenance(argument: _strata_pfs_v1_ListSubvenanceRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_strata_pfs_v1_ListSubvenanceResponse__Output>): grpc.ClientUnaryCall;
  listSubvenance(argument: _strata_pfs_v1_ListSubvenanceRequest, callback: grpc.requestCallback<_strata_pfs_v1_ListSubvenanceResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * A repo's tags, by name.
   */
  ListTag(argument: _strata_pfs_v1_ListTagRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_strata_pfs_v1_ListTagResponse__Output>): grpc.ClientUnaryCall;
  ListTag(argument: _strata_pfs_v1_ListTagRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_strata_pfs_v1_ListTagResponse__Output>): grpc.ClientUnaryCall;
  ListTag(argument: _strata_pfs_v1_ListTagRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_strata_pfs_v1_ListTagResponse__Output>): grpc.ClientUnaryCall;
  ListTag(argument: _strata_pfs_v1_ListTagRequest, callback: grpc.requestCallback<_strata_pfs_v1_ListTagResponse__Output>): grpc.ClientUnaryCall;
  /**
   * A repo's tags, by name.
   */
  listTag(argument: _strata_pfs_v1_ListTagRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_strata_pfs_v1_ListTagResponse__Output>): grpc.ClientUnaryCall;
  listTag(argument: _strata_pfs_v1_ListTagRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_strata_pfs_v1_ListTagResponse__Output>): grpc.ClientUnaryCall;
  listTag(argument: _strata_pfs_v1_ListTagRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_strata_pfs_v1_ListTagResponse__Output>): grpc.ClientUnaryCall;
  listTag(argument: _strata_pfs_v1_ListTagRequest, callback: grpc.requestCallback<_strata_pfs_v1_ListTagResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Which of the given chunk hashes the server does not have, so a client
   * uploads only those, then names the file's chunks with `put_chunks`.
   */
  MissingChunks(argument: _strata_pfs_v1_MissingChunksRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_strata_pfs_v1_MissingChunksResponse__Output>): grpc.ClientUnaryCall;
  MissingChunks(argument: _strata_pfs_v1_MissingChunksRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_strata_pfs_v1_MissingChunksResponse__Output>): grpc.ClientUnaryCall;
  MissingChunks(argument: _strata_pfs_v1_MissingChunksRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_strata_pfs_v1_MissingChunksResponse__Output>): grpc.ClientUnaryCall;
  MissingChunks(argument: _strata_pfs_v1_MissingChunksRequest, callback: grpc.requestCallback<_strata_pfs_v1_MissingChunksResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Which of the given chunk hashes the server does not have, so a client
   * uploads only those, then names the file's chunks with `put_chunks`.
   */
  missingChunks(argument: _strata_pfs_v1_MissingChunksRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_strata_pfs_v1_MissingChunksResponse__Output>): grpc.ClientUnaryCall;
  missingChunks(argument: _strata_pfs_v1_MissingChunksRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_strata_pfs_v1_MissingChunksResponse__Output>): grpc.ClientUnaryCall;
  missingChunks(argument: _strata_pfs_v1_MissingChunksRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_strata_pfs_v1_MissingChunksResponse__Output>): grpc.ClientUnaryCall;
  missingChunks(argument: _strata_pfs_v1_MissingChunksRequest, callback: grpc.requestCallback<_strata_pfs_v1_MissingChunksResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Many puts, appends, deletes and copies that land in one commit.
   * The first message is a `header`; then any sequence of operations; the
   * last message is `done`. A `put_file` is followed by zero or more `data`
   * messages holding the file's bytes; the file ends at the next operation.
   * Against a branch whose head is finished, the server opens a one-off
   * commit and finishes it on `done`. A stream that ends without `done`
   * (a cancelled or broken call: Node's HTTP/2 half-closes a stream before
   * resetting it, so a clean end alone proves nothing), or fails, drops
   * the one-off commit: nothing is committed. Against an open commit, the
   * operations stage into it; a failed stream may leave some of them staged.
   */
  ModifyFile(metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_strata_pfs_v1_CommitInfo__Output>): grpc.ClientWritableStream<_strata_pfs_v1_ModifyFileRequest>;
  ModifyFile(metadata: grpc.Metadata, callback: grpc.requestCallback<_strata_pfs_v1_CommitInfo__Output>): grpc.ClientWritableStream<_strata_pfs_v1_ModifyFileRequest>;
  ModifyFile(options: grpc.CallOptions, callback: grpc.requestCallback<_strata_pfs_v1_CommitInfo__Output>): grpc.ClientWritableStream<_strata_pfs_v1_ModifyFileRequest>;
  ModifyFile(callback: grpc.requestCallback<_strata_pfs_v1_CommitInfo__Output>): grpc.ClientWritableStream<_strata_pfs_v1_ModifyFileRequest>;
  /**
   * Many puts, appends, deletes and copies that land in one commit.
   * The first message is a `header`; then any sequence of operations; the
   * last message is `done`. A `put_file` is followed by zero or more `data`
   * messages holding the file's bytes; the file ends at the next operation.
   * Against a branch whose head is finished, the server opens a one-off
   * commit and finishes it on `done`. A stream that ends without `done`
   * (a cancelled or broken call: Node's HTTP/2 half-closes a stream before
   * resetting it, so a clean end alone proves nothing), or fails, drops
   * the one-off commit: nothing is committed. Against an open commit, the
   * operations stage into it; a failed stream may leave some of them staged.
   */
  modifyFile(metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_strata_pfs_v1_CommitInfo__Output>): grpc.ClientWritableStream<_strata_pfs_v1_ModifyFileRequest>;
  modifyFile(metadata: grpc.Metadata, callback: grpc.requestCallback<_strata_pfs_v1_CommitInfo__Output>): grpc.ClientWritableStream<_strata_pfs_v1_ModifyFileRequest>;
  modifyFile(options: grpc.CallOptions, callback: grpc.requestCallback<_strata_pfs_v1_CommitInfo__Output>): grpc.ClientWritableStream<_strata_pfs_v1_ModifyFileRequest>;
  modifyFile(callback: grpc.requestCallback<_strata_pfs_v1_CommitInfo__Output>): grpc.ClientWritableStream<_strata_pfs_v1_ModifyFileRequest>;
  
  /**
   * Moves a branch's head to the commit a ref names, by compare-and-set
   * (with `expected_head`: only if the head is still that commit, else
   * BRANCH_HEAD_MOVED). No commit is deleted: the old head stays reachable
   * by id. COMMIT_OPEN while the head is open.
   */
  ResetBranch(argument: _strata_pfs_v1_ResetBranchRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_strata_pfs_v1_ResetBranchResponse__Output>): grpc.ClientUnaryCall;
  ResetBranch(argument: _strata_pfs_v1_ResetBranchRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_strata_pfs_v1_ResetBranchResponse__Output>): grpc.ClientUnaryCall;
  ResetBranch(argument: _strata_pfs_v1_ResetBranchRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_strata_pfs_v1_ResetBranchResponse__Output>): grpc.ClientUnaryCall;
  ResetBranch(argument: _strata_pfs_v1_ResetBranchRequest, callback: grpc.requestCallback<_strata_pfs_v1_ResetBranchResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Moves a branch's head to the commit a ref names, by compare-and-set
   * (with `expected_head`: only if the head is still that commit, else
   * BRANCH_HEAD_MOVED). No commit is deleted: the old head stays reachable
   * by id. COMMIT_OPEN while the head is open.
   */
  resetBranch(argument: _strata_pfs_v1_ResetBranchRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_strata_pfs_v1_ResetBranchResponse__Output>): grpc.ClientUnaryCall;
  resetBranch(argument: _strata_pfs_v1_ResetBranchRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_strata_pfs_v1_ResetBranchResponse__Output>): grpc.ClientUnaryCall;
  resetBranch(argument: _strata_pfs_v1_ResetBranchRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_strata_pfs_v1_ResetBranchResponse__Output>): grpc.ClientUnaryCall;
  resetBranch(argument: _strata_pfs_v1_ResetBranchRequest, callback: grpc.requestCallback<_strata_pfs_v1_ResetBranchResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Folds a finished commit into its children.
   */
  SquashCommit(argument: _strata_pfs_v1_SquashCommitRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_strata_pfs_v1_SquashCommitResponse__Output>): grpc.ClientUnaryCall;
  SquashCommit(argument: _strata_pfs_v1_SquashCommitRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_strata_pfs_v1_SquashCommitResponse__Output>): grpc.ClientUnaryCall;
  SquashCommit(argument: _strata_pfs_v1_SquashCommitRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_strata_pfs_v1_SquashCommitResponse__Output>): grpc.ClientUnaryCall;
  SquashCommit(argument: _strata_pfs_v1_SquashCommitRequest, callback: grpc.requestCallback<_strata_pfs_v1_SquashCommitResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Folds a finished commit into its children.
   */
  squashCommit(argument: _strata_pfs_v1_SquashCommitRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_strata_pfs_v1_SquashCommitResponse__Output>): grpc.ClientUnaryCall;
  squashCommit(argument: _strata_pfs_v1_SquashCommitRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_strata_pfs_v1_SquashCommitResponse__Output>): grpc.ClientUnaryCall;
  squashCommit(argument: _strata_pfs_v1_SquashCommitRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_strata_pfs_v1_SquashCommitResponse__Output>): grpc.ClientUnaryCall;
  squashCommit(argument: _strata_pfs_v1_SquashCommitRequest, callback: grpc.requestCallback<_strata_pfs_v1_SquashCommitResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Opens a commit on a branch; writes then stage into it until FinishCommit.
   */
  StartCommit(argument: _strata_pfs_v1_StartCommitRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_strata_pfs_v1_CommitInfo__Output>): grpc.ClientUnaryCall;
  StartCommit(argument: _strata_pfs_v1_StartCommitRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_strata_pfs_v1_CommitInfo__Output>): grpc.ClientUnaryCall;
  StartCommit(argument: _strata_pfs_v1_StartCommitRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_strata_pfs_v1_CommitInfo__Output>): grpc.ClientUnaryCall;
  StartCommit(argument: _strata_pfs_v1_StartCommitRequest, callback: grpc.requestCallback<_strata_pfs_v1_CommitInfo__Output>): grpc.ClientUnaryCall;
  /**
   * Opens a commit on a branch; writes then stage into it until FinishCommit.
   */
  startCommit(argument: _strata_pfs_v1_StartCommitRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_strata_pfs_v1_CommitInfo__Output>): grpc.ClientUnaryCall;
  startCommit(argument: _strata_pfs_v1_StartCommitRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_strata_pfs_v1_CommitInfo__Output>): grpc.ClientUnaryCall;
  startCommit(argument: _strata_pfs_v1_StartCommitRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_strata_pfs_v1_CommitInfo__Output>): grpc.ClientUnaryCall;
  startCommit(argument: _strata_pfs_v1_StartCommitRequest, callback: grpc.requestCallback<_strata_pfs_v1_CommitInfo__Output>): grpc.ClientUnaryCall;
  
  /**
   * Every commit finished on the branch from now on; runs until cancelled.
   */
  SubscribeCommit(argument: _strata_pfs_v1_SubscribeCommitRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_strata_pfs_v1_CommitInfo__Output>;
  SubscribeCommit(argument: _strata_pfs_v1_SubscribeCommitRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_strata_pfs_v1_CommitInfo__Output>;
  /**
   * Every commit finished on the branch from now on; runs until cancelled.
   */
  subscribeCommit(argument: _strata_pfs_v1_SubscribeCommitRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_strata_pfs_v1_CommitInfo__Output>;
  subscribeCommit(argument: _strata_pfs_v1_SubscribeCommitRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_strata_pfs_v1_CommitInfo__Output>;
  
  /**
   * Stores chunks the client has cut and hashed itself. The server checks
   * each chunk's SHA-256 against its `hash` (CHUNK_HASH_MISMATCH).
   */
  UploadChunks(metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_strata_pfs_v1_UploadChunksResponse__Output>): grpc.ClientWritableStream<_strata_pfs_v1_UploadChunksRequest>;
  UploadChunks(metadata: grpc.Metadata, callback: grpc.requestCallback<_strata_pfs_v1_UploadChunksResponse__Output>): grpc.ClientWritableStream<_strata_pfs_v1_UploadChunksRequest>;
  UploadChunks(options: grpc.CallOptions, callback: grpc.requestCallback<_strata_pfs_v1_UploadChunksResponse__Output>): grpc.ClientWritableStream<_strata_pfs_v1_UploadChunksRequest>;
  UploadChunks(callback: grpc.requestCallback<_strata_pfs_v1_UploadChunksResponse__Output>): grpc.ClientWritableStream<_strata_pfs_v1_UploadChunksRequest>;
  /**
   * Stores chunks the client has cut and hashed itself. The server checks
   * each chunk's SHA-256 against its `hash` (CHUNK_HASH_MISMATCH).
   */
  uploadChunks(metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_strata_pfs_v1_UploadChunksResponse__Output>): grpc.ClientWritableStream<_strata_pfs_v1_UploadChunksRequest>;
  uploadChunks(metadata: grpc.Metadata, callback: grpc.requestCallback<_strata_pfs_v1_UploadChunksResponse__Output>): grpc.ClientWritableStream<_strata_pfs_v1_UploadChunksRequest>;
  uploadChunks(options: grpc.CallOptions, callback: grpc.requestCallback<_strata_pfs_v1_UploadChunksResponse__Output>): grpc.ClientWritableStream<_strata_pfs_v1_UploadChunksRequest>;
  uploadChunks(callback: grpc.requestCallback<_strata_pfs_v1_UploadChunksResponse__Output>): grpc.ClientWritableStream<_strata_pfs_v1_UploadChunksRequest>;
  
  /**
   * Blocks until the commit is finished (or the call is cancelled).
   */
  WaitCommit(argument: _strata_pfs_v1_WaitCommitRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_strata_pfs_v1_CommitInfo__Output>): grpc.ClientUnaryCall;
  WaitCommit(argument: _strata_pfs_v1_WaitCommitRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_strata_pfs_v1_CommitInfo__Output>): grpc.ClientUnaryCall;
  WaitCommit(argument: _strata_pfs_v1_WaitCommitRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_strata_pfs_v1_CommitInfo__Output>): grpc.ClientUnaryCall;
  WaitCommit(argument: _strata_pfs_v1_WaitCommitRequest, callback: grpc.requestCallback<_strata_pfs_v1_CommitInfo__Output>): grpc.ClientUnaryCall;
  /**
   * Blocks until the commit is finished (or the call is cancelled).
   */
  waitCommit(argument: _strata_pfs_v1_WaitCommitRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_strata_pfs_v1_CommitInfo__Output>): grpc.ClientUnaryCall;
  waitCommit(argument: _strata_pfs_v1_WaitCommitRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_strata_pfs_v1_CommitInfo__Output>): grpc.ClientUnaryCall;
  waitCommit(argument: _strata_pfs_v1_WaitCommitRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_strata_pfs_v1_CommitInfo__Output>): grpc.ClientUnaryCall;
  waitCommit(argument: _strata_pfs_v1_WaitCommitRequest, callback: grpc.requestCallback<_strata_pfs_v1_CommitInfo__Output>): grpc.ClientUnaryCall;
  
  /**
   * Every file under a directory, recursively, in path order.
   */
  WalkFile(argument: _strata_pfs_v1_WalkFileRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_strata_pfs_v1_FileInfo__Output>;
  WalkFile(argument: _strata_pfs_v1_WalkFileRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_strata_pfs_v1_FileInfo__Output>;
  /**
   * Every file under a directory, recursively, in path order.
   */
  walkFile(argument: _strata_pfs_v1_WalkFileRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_strata_pfs_v1_FileInfo__Output>;
  walkFile(argument: _strata_pfs_v1_WalkFileRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_strata_pfs_v1_FileInfo__Output>;
  
}

export interface PfsServiceHandlers extends grpc.UntypedServiceImplementation {
  /**
   * Creates a branch, optionally starting at a commit and with provenance.
   */
  CreateBranch: grpc.handleUnaryCall<_strata_pfs_v1_CreateBranchRequest__Output, _strata_pfs_v1_BranchInfo>;
  
  /**
   * Creates an empty repo (branches appear with the first commit, or
   * CreateBranch). REPO_EXISTS if it exists.
   */
  CreateRepo: grpc.handleUnaryCall<_strata_pfs_v1_CreateRepoRequest__Output, _strata_pfs_v1_RepoInfo>;
  
  /**
   * Names a finished commit, immutably: `repo@tag` then resolves to it
   * anywhere a ref is taken. Tags and branches of a repo share one
   * namespace (REF_NAME_TAKEN); a tagged commit cannot be dropped or
   * squashed (COMMIT_TAGGED).
   */
  CreateTag: grpc.handleUnaryCall<_strata_pfs_v1_CreateTagRequest__Output, _strata_pfs_v1_TagInfo>;
  
  /**
   * Deletes the branch pointer; its commits stay reachable by id.
   */
  DeleteBranch: grpc.handleUnaryCall<_strata_pfs_v1_DeleteBranchRequest__Output, _strata_pfs_v1_DeleteBranchResponse>;
  
  /**
   * Deletes a repo with its branches and commits. REPO_HAS_DEPENDENTS when
   * other repos' branches have it as provenance, unless `force`.
   */
  DeleteRepo: grpc.handleUnaryCall<_strata_pfs_v1_DeleteRepoRequest__Output, _strata_pfs_v1_DeleteRepoResponse>;
  
  /**
   * Deletes the name only; the commit stays.
   */
  DeleteTag: grpc.handleUnaryCall<_strata_pfs_v1_DeleteTagRequest__Output, _strata_pfs_v1_DeleteTagResponse>;
  
  /**
   * Changes between two commits, in path order.
   */
  DiffFile: grpc.handleServerStreamingCall<_strata_pfs_v1_DiffFileRequest__Output, _strata_pfs_v1_DiffEntry>;
  
  /**
   * Removes a commit that has no children; branch heads at it move to its parent.
   */
  DropCommit: grpc.handleUnaryCall<_strata_pfs_v1_DropCommitRequest__Output, _strata_pfs_v1_DropCommitResponse>;
  
  /**
   * Finishes an open commit: builds its file index and moves the branch head.
   */
  FinishCommit: grpc.handleUnaryCall<_strata_pfs_v1_FinishCommitRequest__Output, _strata_pfs_v1_CommitInfo>;
  
  /**
   * Checks every finished commit's index and chunks (and with
   * `verify_data`, every stored byte).
   */
  Fsck: grpc.handleUnaryCall<_strata_pfs_v1_FsckRequest__Output, _strata_pfs_v1_FsckResponse>;
  
  /**
   * Mark-and-sweep of chunks no commit or open commit can reach.
   */
  GarbageCollect: grpc.handleUnaryCall<_strata_pfs_v1_GarbageCollectRequest__Output, _strata_pfs_v1_GarbageCollectResponse>;
  
  /**
   * Chunks by hash (as InspectFile's `include_chunks` lists them), in
   * request order, each verified against its hash by the server before it
   * is sent unless the request says the client checks them itself
   * (`client_verifies`). A hash the server does not hold fails the call with
   * CHUNK_UNKNOWN (NOT_FOUND); stored bytes that no longer match their hash
   * fail it with CHUNK_CORRUPT (DATA_LOSS): wrong bytes are never sent to a
   * client that does not check them. Clients read a file by asking for its
   * chunks in batches, with several calls in flight, and can check each
   * chunk against the hash they asked for.
   */
  GetChunks: grpc.handleServerStreamingCall<_strata_pfs_v1_GetChunksRequest__Output, _strata_pfs_v1_GetChunksResponse>;
  
  /**
   * A file's bytes (or `length` bytes from `offset`), in order.
   */
  GetFile: grpc.handleServerStreamingCall<_strata_pfs_v1_GetFileRequest__Output, _strata_pfs_v1_GetFileResponse>;
  
  /**
   * The server's version (for `strata version` and compatibility checks).
   */
  GetServerInfo: grpc.handleUnaryCall<_strata_pfs_v1_GetServerInfoRequest__Output, _strata_pfs_v1_ServerInfo>;
  
  /**
   * A tar archive (ustar/pax) of a directory's files or of a glob's matches.
   */
  GetTar: grpc.handleServerStreamingCall<_strata_pfs_v1_GetTarRequest__Output, _strata_pfs_v1_GetTarResponse>;
  
  /**
   * Files matching a glob (`*`, `**`, `?`, `[...]`, `{a,b}`), in path order.
   */
  GlobFile: grpc.handleServerStreamingCall<_strata_pfs_v1_GlobFileRequest__Output, _strata_pfs_v1_FileInfo>;
  
  InspectBranch: grpc.handleUnaryCall<_strata_pfs_v1_InspectBranchRequest__Output, _strata_pfs_v1_BranchInfo>;
  
  InspectCommit: grpc.handleUnaryCall<_strata_pfs_v1_InspectCommitRequest__Output, _strata_pfs_v1_CommitInfo>;
  
  InspectFile: grpc.handleUnaryCall<_strata_pfs_v1_InspectFileRequest__Output, _strata_pfs_v1_FileInfo>;
  
  /**
   * One repo. REPO_NOT_FOUND if there is none.
   */
  InspectRepo: grpc.handleUnaryCall<_strata_pfs_v1_InspectRepoRequest__Output, _strata_pfs_v1_RepoInfo>;
  
  InspectTag: grpc.handleUnaryCall<_strata_pfs_v1_InspectTagRequest__Output, _strata_pfs_v1_TagInfo>;
  
  ListBranch: grpc.handleUnaryCall<_strata_pfs_v1_ListBranchRequest__Output, _strata_pfs_v1_ListBranchResponse>;
  
  /**
   * The log: commits from `ref` back towards the root, newest first.
   */
  ListCommit: grpc.handleServerStreamingCall<_strata_pfs_v1_ListCommitRequest__Output, _strata_pfs_v1_CommitInfo>;
  
  /**
   * The direct children of a directory, in path order (a file lists itself).
   */
  ListFile: grpc.handleServerStreamingCall<_strata_pfs_v1_ListFileRequest__Output, _strata_pfs_v1_FileInfo>;
  
  /**
   * Every repo, by name.
   */
  ListRepo: grpc.handleUnaryCall<_strata_pfs_v1_ListRepoRequest__Output, _strata_pfs_v1_ListRepoResponse>;
  
  /**
   * Commits whose provenance names this commit (downstream of it).
   */
  ListSubvenance: grpc.handleUnaryCall<_strata_pfs_v1_ListSubvenanceRequest__Output, _strata_pfs_v1_ListSubvenanceResponse>;
  
  /**
   * A repo's tags, by name.
   */
  ListTag: grpc.handleUnaryCall<_strata_pfs_v1_ListTagRequest__Output, _strata_pfs_v1_ListTagResponse>;
  
  /**
   * Which of the given chunk hashes the server does not have, so a client
   * uploads only those, then names the file's chunks with `put_chunks`.
   */
  MissingChunks: grpc.handleUnaryCall<_strata_pfs_v1_MissingChunksRequest__Output, _strata_pfs_v1_MissingChunksResponse>;
  
  /**
   * Many puts, appends, deletes and copies that land in one commit.
   * The first message is a `header`; then any sequence of operations; the
   * last message is `done`. A `put_file` is followed by zero or more `data`
   * messages holding the file's bytes; the file ends at the next operation.
   * Against a branch whose head is finished, the server opens a one-off
   * commit and finishes it on `done`. A stream that ends without `done`
   * (a cancelled or broken call: Node's HTTP/2 half-closes a stream before
   * resetting it, so a clean end alone proves nothing), or fails, drops
   * the one-off commit: nothing is committed. Against an open commit, the
   * operations stage into it; a failed stream may leave some of them staged.
   */
  ModifyFile: grpc.handleClientStreamingCall<_strata_pfs_v1_ModifyFileRequest__Output, _strata_pfs_v1_CommitInfo>;
  
  /**
   * Moves a branch's head to the commit a ref names, by compare-and-set
   * (with `expected_head`: only if the head is still that commit, else
   * BRANCH_HEAD_MOVED). No commit is deleted: the old head stays reachable
   * by id. COMMIT_OPEN while the head is open.
   */
  ResetBranch: grpc.handleUnaryCall<_strata_pfs_v1_ResetBranchRequest__Output, _strata_pfs_v1_ResetBranchResponse>;
  
  /**
   * Folds a finished commit into its children.
   */
  SquashCommit: grpc.handleUnaryCall<_strata_pfs_v1_SquashCommitRequest__Output, _strata_pfs_v1_SquashCommitResponse>;
  
  /**
   * Opens a commit on a branch; writes then stage into it until FinishCommit.
   */
  StartCommit: grpc.handleUnaryCall<_strata_pfs_v1_StartCommitRequest__Output, _strata_pfs_v1_CommitInfo>;
  
  /**
   * Every commit finished on the branch from now on; runs until cancelled.
   */
  SubscribeCommit: grpc.handleServerStreamingCall<_strata_pfs_v1_SubscribeCommitRequest__Output, _strata_pfs_v1_CommitInfo>;
  
  /**
   * Stores chunks the client has cut and hashed itself. The server checks
   * each chunk's SHA-256 against its `hash` (CHUNK_HASH_MISMATCH).
   */
  UploadChunks: grpc.handleClientStreamingCall<_strata_pfs_v1_UploadChunksRequest__Output, _strata_pfs_v1_UploadChunksResponse>;
  
  /**
   * Blocks until the commit is finished (or the call is cancelled).
   */
  WaitCommit: grpc.handleUnaryCall<_strata_pfs_v1_WaitCommitRequest__Output, _strata_pfs_v1_CommitInfo>;
  
  /**
   * Every file under a directory, recursively, in path order.
   */
  WalkFile: grpc.handleServerStreamingCall<_strata_pfs_v1_WalkFileRequest__Output, _strata_pfs_v1_FileInfo>;
  
}

export interface PfsServiceDefinition extends grpc.ServiceDefinition {
  CreateBranch: MethodDefinition<_strata_pfs_v1_CreateBranchRequest, _strata_pfs_v1_BranchInfo, _strata_pfs_v1_CreateBranchRequest__Output, _strata_pfs_v1_BranchInfo__Output>
  CreateRepo: MethodDefinition<_strata_pfs_v1_CreateRepoRequest, _strata_pfs_v1_RepoInfo, _strata_pfs_v1_CreateRepoRequest__Output, _strata_pfs_v1_RepoInfo__Output>
  CreateTag: MethodDefinition<_strata_pfs_v1_CreateTagRequest, _strata_pfs_v1_TagInfo, _strata_pfs_v1_CreateTagRequest__Output, _strata_pfs_v1_TagInfo__Output>
  DeleteBranch: MethodDefinition<_strata_pfs_v1_DeleteBranchRequest, _strata_pfs_v1_DeleteBranchResponse, _strata_pfs_v1_DeleteBranchRequest__Output, _strata_pfs_v1_DeleteBranchResponse__Output>
  DeleteRepo: MethodDefinition<_strata_pfs_v1_DeleteRepoRequest, _strata_pfs_v1_DeleteRepoResponse, _strata_pfs_v1_DeleteRepoRequest__Output, _strata_pfs_v1_DeleteRepoResponse__Output>
  DeleteTag: MethodDefinition<_strata_pfs_v1_DeleteTagRequest, _strata_pfs_v1_DeleteTagResponse, _strata_pfs_v1_DeleteTagRequest__Output, _strata_pfs_v1_DeleteTagResponse__Output>
  DiffFile: MethodDefinition<_strata_pfs_v1_DiffFileRequest, _strata_pfs_v1_DiffEntry, _strata_pfs_v1_DiffFileRequest__Output, _strata_pfs_v1_DiffEntry__Output>
  DropCommit: MethodDefinition<_strata_pfs_v1_DropCommitRequest, _strata_pfs_v1_DropCommitResponse, _strata_pfs_v1_DropCommitRequest__Output, _strata_pfs_v1_DropCommitResponse__Output>
  FinishCommit: MethodDefinition<_strata_pfs_v1_FinishCommitRequest, _strata_pfs_v1_CommitInfo, _strata_pfs_v1_FinishCommitRequest__Output, _strata_pfs_v1_CommitInfo__Output>
  Fsck: MethodDefinition<_strata_pfs_v1_FsckRequest, _strata_pfs_v1_FsckResponse, _strata_pfs_v1_FsckRequest__Output, _strata_pfs_v1_FsckResponse__Output>
  GarbageCollect: MethodDefinition<_strata_pfs_v1_GarbageCollectRequest, _strata_pfs_v1_GarbageCollectResponse, _strata_pfs_v1_GarbageCollectRequest__Output, _strata_pfs_v1_GarbageCollectResponse__Output>
  GetChunks: MethodDefinition<_strata_pfs_v1_GetChunksRequest, _strata_pfs_v1_GetChunksResponse, _strata_pfs_v1_GetChunksRequest__Output, _strata_pfs_v1_GetChunksResponse__Output>
  GetFile: MethodDefinition<_strata_pfs_v1_GetFileRequest, _strata_pfs_v1_GetFileResponse, _strata_pfs_v1_GetFileRequest__Output, _strata_pfs_v1_GetFileResponse__Output>
  GetServerInfo: MethodDefinition<_strata_pfs_v1_GetServerInfoRequest, _strata_pfs_v1_ServerInfo, _strata_pfs_v1_GetServerInfoRequest__Output, _strata_pfs_v1_ServerInfo__Output>
  GetTar: MethodDefinition<_strata_pfs_v1_GetTarRequest, _strata_pfs_v1_GetTarResponse, _strata_pfs_v1_GetTarRequest__Output, _strata_pfs_v1_GetTarResponse__Output>
  GlobFile: MethodDefinition<_strata_pfs_v1_GlobFileRequest, _strata_pfs_v1_FileInfo, _strata_pfs_v1_GlobFileRequest__Output, _strata_pfs_v1_FileInfo__Output>
  InspectBranch: MethodDefinition<_strata_pfs_v1_InspectBranchRequest, _strata_pfs_v1_BranchInfo, _strata_pfs_v1_InspectBranchRequest__Output, _strata_pfs_v1_BranchInfo__Output>
  InspectCommit: MethodDefinition<_strata_pfs_v1_InspectCommitRequest, _strata_pfs_v1_CommitInfo, _strata_pfs_v1_InspectCommitRequest__Output, _strata_pfs_v1_CommitInfo__Output>
  InspectFile: MethodDefinition<_strata_pfs_v1_InspectFileRequest, _strata_pfs_v1_FileInfo, _strata_pfs_v1_InspectFileRequest__Output, _strata_pfs_v1_FileInfo__Output>
  InspectRepo: MethodDefinition<_strata_pfs_v1_InspectRepoRequest, _strata_pfs_v1_RepoInfo, _strata_pfs_v1_InspectRepoRequest__Output, _strata_pfs_v1_RepoInfo__Output>
  InspectTag: MethodDefinition<_strata_pfs_v1_InspectTagRequest, _strata_pfs_v1_TagInfo, _strata_pfs_v1_InspectTagRequest__Output, _strata_pfs_v1_TagInfo__Output>
  ListBranch: MethodDefinition<_strata_pfs_v1_ListBranchRequest, _strata_pfs_v1_ListBranchResponse, _strata_pfs_v1_ListBranchRequest__Output, _strata_pfs_v1_ListBranchResponse__Output>
  ListCommit: MethodDefinition<_strata_pfs_v1_ListCommitRequest, _strata_pfs_v1_CommitInfo, _strata_pfs_v1_ListCommitRequest__Output, _strata_pfs_v1_CommitInfo__Output>
  ListFile: MethodDefinition<_strata_pfs_v1_ListFileRequest, _strata_pfs_v1_FileInfo, _strata_pfs_v1_ListFileRequest__Output, _strata_pfs_v1_FileInfo__Output>
  ListRepo: MethodDefinition<_strata_pfs_v1_ListRepoRequest, _strata_pfs_v1_ListRepoResponse, _strata_pfs_v1_ListRepoRequest__Output, _strata_pfs_v1_ListRepoResponse__Output>
  ListSubvenance: MethodDefinition<_strata_pfs_v1_ListSubvenanceRequest, _strata_pfs_v1_ListSubvenanceResponse, _strata_pfs_v1_ListSubvenanceRequest__Output, _strata_pfs_v1_ListSubvenanceResponse__Output>
  ListTag: MethodDefinition<_strata_pfs_v1_ListTagRequest, _strata_pfs_v1_ListTagResponse, _strata_pfs_v1_ListTagRequest__Output, _strata_pfs_v1_ListTagResponse__Output>
  MissingChunks: MethodDefinition<_strata_pfs_v1_MissingChunksRequest, _strata_pfs_v1_MissingChunksResponse, _strata_pfs_v1_MissingChunksRequest__Output, _strata_pfs_v1_MissingChunksResponse__Output>
  ModifyFile: MethodDefinition<_strata_pfs_v1_ModifyFileRequest, _strata_pfs_v1_CommitInfo, _strata_pfs_v1_ModifyFileRequest__Output, _strata_pfs_v1_CommitInfo__Output>
  ResetBranch: MethodDefinition<_strata_pfs_v1_ResetBranchRequest, _strata_pfs_v1_ResetBranchResponse, _strata_pfs_v1_ResetBranchRequest__Output, _strata_pfs_v1_ResetBranchResponse__Output>
  SquashCommit: MethodDefinition<_strata_pfs_v1_SquashCommitRequest, _strata_pfs_v1_SquashCommitResponse, _strata_pfs_v1_SquashCommitRequest__Output, _strata_pfs_v1_SquashCommitResponse__Output>
  StartCommit: MethodDefinition<_strata_pfs_v1_StartCommitRequest, _strata_pfs_v1_CommitInfo, _strata_pfs_v1_StartCommitRequest__Output, _strata_pfs_v1_CommitInfo__Output>
  SubscribeCommit: MethodDefinition<_strata_pfs_v1_SubscribeCommitRequest, _strata_pfs_v1_CommitInfo, _strata_pfs_v1_SubscribeCommitRequest__Output, _strata_pfs_v1_CommitInfo__Output>
  UploadChunks: MethodDefinition<_strata_pfs_v1_UploadChunksRequest, _strata_pfs_v1_UploadChunksResponse, _strata_pfs_v1_UploadChunksRequest__Output, _strata_pfs_v1_UploadChunksResponse__Output>
  WaitCommit: MethodDefinition<_strata_pfs_v1_WaitCommitRequest, _strata_pfs_v1_CommitInfo, _strata_pfs_v1_WaitCommitRequest__Output, _strata_pfs_v1_CommitInfo__Output>
  WalkFile: MethodDefinition<_strata_pfs_v1_WalkFileRequest, _strata_pfs_v1_FileInfo, _strata_pfs_v1_WalkFileRequest__Output, _strata_pfs_v1_FileInfo__Output>
}
