import type * as grpc from '@grpc/grpc-js';
import type { EnumTypeDefinition, MessageTypeDefinition } from '@grpc/proto-loader';

import type { Branch as _strata_pfs_v1_Branch, Branch__Output as _strata_pfs_v1_Branch__Output } from './strata/pfs/v1/Branch.ts';
import type { BranchInfo as _strata_pfs_v1_BranchInfo, BranchInfo__Output as _strata_pfs_v1_BranchInfo__Output } from './strata/pfs/v1/BranchInfo.ts';
import type { BulkChunks as _strata_pfs_v1_BulkChunks, BulkChunks__Output as _strata_pfs_v1_BulkChunks__Output } from './strata/pfs/v1/BulkChunks.ts';
import type { Chunk as _strata_pfs_v1_Chunk, Chunk__Output as _strata_pfs_v1_Chunk__Output } from './strata/pfs/v1/Chunk.ts';
import type { ChunkRef as _strata_pfs_v1_ChunkRef, ChunkRef__Output as _strata_pfs_v1_ChunkRef__Output } from './strata/pfs/v1/ChunkRef.ts';
import type { Commit as _strata_pfs_v1_Commit, Commit__Output as _strata_pfs_v1_Commit__Output } from './strata/pfs/v1/Commit.ts';
import type { CommitInfo as _strata_pfs_v1_CommitInfo, CommitInfo__Output as _strata_pfs_v1_CommitInfo__Output } from './strata/pfs/v1/CommitInfo.ts';
import type { CopyFile as _strata_pfs_v1_CopyFile, CopyFile__Output as _strata_pfs_v1_CopyFile__Output } from './strata/pfs/v1/CopyFile.ts';
import type { CreateBranchRequest as _strata_pfs_v1_CreateBranchRequest, CreateBranchRequest__Output as _strata_pfs_v1_CreateBranchRequest__Output } from './strata/pfs/v1/CreateBranchRequest.ts';
import type { CreateRepoRequest as _strata_pfs_v1_CreateRepoRequest, CreateRepoRequest__Output as _strata_pfs_v1_CreateRepoRequest__Output } from './strata/pfs/v1/CreateRepoRequest.ts';
import type { CreateTagRequest as _strata_pfs_v1_CreateTagRequest, CreateTagRequest__Output as _strata_pfs_v1_CreateTagRequest__Output } from './strata/pfs/v1/CreateTagRequest.ts';
import type { DataProblem as _strata_pfs_v1_DataProblem, DataProblem__Output as _strata_pfs_v1_DataProblem__Output } from './strata/pfs/v1/DataProblem.ts';
import type { DeleteBranchRequest as _strata_pfs_v1_DeleteBranchRequest, DeleteBranchRequest__Output as _strata_pfs_v1_DeleteBranchRequest__Output } from './strata/pfs/v1/DeleteBranchRequest.ts';
import type { DeleteBranchResponse as _strata_pfs_v1_DeleteBranchResponse, DeleteBranchResponse__Output as _strata_pfs_v1_DeleteBranchResponse__Output } from './strata/pfs/v1/DeleteBranchResponse.ts';
import type { DeleteFile as _strata_pfs_v1_DeleteFile, DeleteFile__Output as _strata_pfs_v1_DeleteFile__Output } from './strata/pfs/v1/DeleteFile.ts';
import type { DeleteRepoRequest as _strata_pfs_v1_DeleteRepoRequest, DeleteRepoRequest__Output as _strata_pfs_v1_DeleteRepoRequest__Output } from './strata/pfs/v1/DeleteRepoRequest.ts';
import type { DeleteRepoResponse as _strata_pfs_v1_DeleteRepoResponse, DeleteRepoResponse__Output as _strata_pfs_v1_DeleteRepoResponse__Output } from './strata/pfs/v1/DeleteRepoResponse.ts';
import type { DeleteTagRequest as _strata_pfs_v1_DeleteTagRequest, DeleteTagRequest__Output as _strata_pfs_v1_DeleteTagRequest__Output } from './strata/pfs/v1/DeleteTagRequest.ts';
import type { DeleteTagResponse as _strata_pfs_v1_DeleteTagResponse, DeleteTagResponse__Output as _strata_pfs_v1_DeleteTagResponse__Output } from './strata/pfs/v1/DeleteTagResponse.ts';
import type { DiffEntry as _strata_pfs_v1_DiffEntry, DiffEntry__Output as _strata_pfs_v1_DiffEntry__Output } from './strata/pfs/v1/DiffEntry.ts';
import type { DiffFileRequest as _strata_pfs_v1_DiffFileRequest, DiffFileRequest__Output as _strata_pfs_v1_DiffFileRequest__Output } from './strata/pfs/v1/DiffFileRequest.ts';
import type { DropCommitRequest as _strata_pfs_v1_DropCommitRequest, DropCommitRequest__Output as _strata_pfs_v1_DropCommitRequest__Output } from './strata/pfs/v1/DropCommitRequest.ts';
import type { DropCommitResponse as _strata_pfs_v1_DropCommitResponse, DropCommitResponse__Output as _strata_pfs_v1_DropCommitResponse__Output } from './strata/pfs/v1/DropCommitResponse.ts';
import type { FileInfo as _strata_pfs_v1_FileInfo, FileInfo__Output as _strata_pfs_v1_FileInfo__Output } from './strata/pfs/v1/FileInfo.ts';
import type { FinishCommitRequest as _strata_pfs_v1_FinishCommitRequest, FinishCommitRequest__Output as _strata_pfs_v1_FinishCommitRequest__Output } from './strata/pfs/v1/FinishCommitRequest.ts';
import type { FsckDataReport as _strata_pfs_v1_FsckDataReport, FsckDataReport__Output as _strata_pfs_v1_FsckDataReport__Output } from './strata/pfs/v1/FsckDataReport.ts';
import type { FsckProblem as _strata_pfs_v1_FsckProblem, FsckProblem__Output as _strata_pfs_v1_FsckProblem__Output } from './strata/pfs/v1/FsckProblem.ts';
import type { FsckRequest as _strata_pfs_v1_FsckRequest, FsckRequest__Output as _strata_pfs_v1_FsckRequest__Output } from './strata/pfs/v1/FsckRequest.ts';
import type { FsckResponse as _strata_pfs_v1_FsckResponse, FsckResponse__Output as _strata_pfs_v1_FsckResponse__Output } from './strata/pfs/v1/FsckResponse.ts';
import type { GarbageCollectRequest as _strata_pfs_v1_GarbageCollectRequest, GarbageCollectRequest__Output as _strata_pfs_v1_GarbageCollectRequest__Output } from './strata/pfs/v1/GarbageCollectRequest.ts';
import type { GarbageCollectResponse as _strata_pfs_v1_GarbageCollectResponse, GarbageCollectResponse__Output as _strata_pfs_v1_GarbageCollectResponse__Output } from './strata/pfs/v1/GarbageCollectResponse.ts';
import type { GetChunksRequest as _strata_pfs_v1_GetChunksRequest, GetChunksRequest__Output as _strata_pfs_v1_GetChunksRequest__Output } from './strata/pfs/v1/GetChunksRequest.ts';
import type { GetChunksResponse as _strata_pfs_v1_GetChunksResponse, GetChunksResponse__Output as _strata_pfs_v1_GetChunksResponse__Output } from './strata/pfs/v1/GetChunksResponse.ts';
import type { GetFileRequest as _strata_pfs_v1_GetFileRequest, GetFileRequest__Output as _strata_pfs_v1_GetFileRequest__Output } from './strata/pfs/v1/GetFileRequest.ts';
import type { GetFileResponse as _strata_pfs_v1_GetFileResponse, GetFileResponse__Output as _strata_pfs_v1_GetFileResponse__Output } from './strata/pfs/v1/GetFileResponse.ts';
import type { GetServerInfoRequest as _strata_pfs_v1_GetServerInfoRequest, GetServerInfoRequest__Output as _strata_pfs_v1_GetServerInfoRequest__Output } from './strata/pfs/v1/GetServerInfoRequest.ts';
import type { GetTarRequest as _strata_pfs_v1_GetTarRequest, GetTarRequest__Output as _strata_pfs_v1_GetTarRequest__Output } from './strata/pfs/v1/GetTarRequest.ts';
import type { GetTarResponse as _strata_pfs_v1_GetTarResponse, GetTarResponse__Output as _strata_pfs_v1_GetTarResponse__Output } from './strata/pfs/v1/GetTarResponse.ts';
import type { GlobFileRequest as _strata_pfs_v1_GlobFileRequest, GlobFileRequest__Output as _strata_pfs_v1_GlobFileRequest__Output } from './strata/pfs/v1/GlobFileRequest.ts';
import type { InspectBranchRequest as _strata_pfs_v1_InspectBranchRequest, InspectBranchRequest__Output as _strata_pfs_v1_InspectBranchRequest__Output } from './strata/pfs/v1/InspectBranchRequest.ts';
import type { InspectCommitRequest as _strata_pfs_v1_InspectCommitRequest, InspectCommitRequest__Output as _strata_pfs_v1_InspectCommitRequest__Output } from './strata/pfs/v1/InspectCommitRequest.ts';
import type { InspectFileRequest as _strata_pfs_v1_InspectFileRequest, InspectFileRequest__Output as _strata_pfs_v1_InspectFileRequest__Output } from './strata/pfs/v1/InspectFileRequest.ts';
import type { InspectRepoRequest as _strata_pfs_v1_InspectRepoRequest, InspectRepoRequest__Output as _strata_pfs_v1_InspectRepoRequest__Output } from './strata/pfs/v1/InspectRepoRequest.ts';
import type { InspectTagRequest as _strata_pfs_v1_InspectTagRequest, InspectTagRequest__Output as _strata_pfs_v1_InspectTagRequest__Output } from './strata/pfs/v1/InspectTagRequest.ts';
import type { ListBranchRequest as _strata_pfs_v1_ListBranchRequest, ListBranchRequest__Output as _strata_pfs_v1_ListBranchRequest__Output } from './strata/pfs/v1/ListBranchRequest.ts';
import type { ListBranchResponse as _strata_pfs_v1_ListBranchResponse, ListBranchResponse__Output as _strata_pfs_v1_ListBranchResponse__Output } from './strata/pfs/v1/ListBranchResponse.ts';
import type { ListCommitRequest as _strata_pfs_v1_ListCommitRequest, ListCommitRequest__Output as _strata_pfs_v1_ListCommitRequest__Output } from './strata/pfs/v1/ListCommitRequest.ts';
import type { ListFileRequest as _strata_pfs_v1_ListFileRequest, ListFileRequest__Output as _strata_pfs_v1_ListFileRequest__Output } from './strata/pfs/v1/ListFileRequest.ts';
import type { ListRepoRequest as _strata_pfs_v1_ListRepoRequest, ListRepoRequest__Output as _strata_pfs_v1_ListRepoRequest__Output } from './strata/pfs/v1/ListRepoRequest.ts';
import type { ListRepoResponse as _strata_pfs_v1_ListRepoResponse, ListRepoResponse__Output as _strata_pfs_v1_ListRepoResponse__Output } from './strata/pfs/v1/ListRepoResponse.ts';
import type { ListSubvenanceRequest as _strata_pfs_v1_ListSubvenanceRequest, ListSubvenanceRequest__Output as _strata_pfs_v1_ListSubvenanceRequest__Output } from './strata/pfs/v1/ListSubvenanceRequest.ts';
import type { ListSubvenanceResponse as _strata_pfs_v1_ListSubvenanceResponse, ListSubvenanceResponse__Output as _strata_pfs_v1_ListSubvenanceResponse__Output } from './strata/pfs/v1/ListSubvenanceResponse.ts';
import type { ListTagRequest as _strata_pfs_v1_ListTagRequest, ListTagRequest__Output as _strata_pfs_v1_ListTagRequest__Output } from './strata/pfs/v1/ListTagRequest.ts';
import type { ListTagResponse as _strata_pfs_v1_ListTagResponse, ListTagResponse__Output as _strata_pfs_v1_ListTagResponse__Output } from './strata/pfs/v1/ListTagResponse.ts';
import type { MissingChunksRequest as _strata_pfs_v1_MissingChunksRequest, MissingChunksRequest__Output as _strata_pfs_v1_MissingChunksRequest__Output } from './strata/pfs/v1/MissingChunksRequest.ts';
import type { MissingChunksResponse as _strata_pfs_v1_MissingChunksResponse, MissingChunksResponse__Output as _strata_pfs_v1_MissingChunksResponse__Output } from './strata/pfs/v1/MissingChunksResponse.ts';
import type { ModifyFileDone as _strata_pfs_v1_ModifyFileDone, ModifyFileDone__Output as _strata_pfs_v1_ModifyFileDone__Output } from './strata/pfs/v1/ModifyFileDone.ts';
import type { ModifyFileHeader as _strata_pfs_v1_ModifyFileHeader, ModifyFileHeader__Output as _strata_pfs_v1_ModifyFileHeader__Output } from './strata/pfs/v1/ModifyFileHeader.ts';
import type { ModifyFileRequest as _strata_pfs_v1_ModifyFileRequest, ModifyFileRequest__Output as _strata_pfs_v1_ModifyFileRequest__Output } from './strata/pfs/v1/ModifyFileRequest.ts';
import type { PfsServiceClient as _strata_pfs_v1_PfsServiceClient, PfsServiceDefinition as _strata_pfs_v1_PfsServiceDefinition } from './strata/pfs/v1/PfsService.ts';
import type { PutChunks as _strata_pfs_v1_PutChunks, PutChunks__Output as _strata_pfs_v1_PutChunks__Output } from './strata/pfs/v1/PutChunks.ts';
import type { PutChunksBatch as _strata_pfs_v1_PutChunksBatch, PutChunksBatch__Output as _strata_pfs_v1_PutChunksBatch__Output } from './strata/pfs/v1/PutChunksBatch.ts';
import type { PutFileStart as _strata_pfs_v1_PutFileStart, PutFileStart__Output as _strata_pfs_v1_PutFileStart__Output } from './strata/pfs/v1/PutFileStart.ts';
import type { RepoInfo as _strata_pfs_v1_RepoInfo, RepoInfo__Output as _strata_pfs_v1_RepoInfo__Output } from './strata/pfs/v1/RepoInfo.ts';
import type { ResetBranchRequest as _strata_pfs_v1_ResetBranchRequest, ResetBranchRequest__Output as _strata_pfs_v1_ResetBranchRequest__Output } from './strata/pfs/v1/ResetBranchRequest.ts';
import type { ResetBranchResponse as _strata_pfs_v1_ResetBranchResponse, ResetBranchResponse__Output as _strata_pfs_v1_ResetBranchResponse__Output } from './strata/pfs/v1/ResetBranchResponse.ts';
import type { ServerInfo as _strata_pfs_v1_ServerInfo, ServerInfo__Output as _strata_pfs_v1_ServerInfo__Output } from './strata/pfs/v1/ServerInfo.ts';
import type { SquashCommitRequest as _strata_pfs_v1_SquashCommitRequest, SquashCommitRequest__Output as _strata_pfs_v1_SquashCommitRequest__Output } from './strata/pfs/v1/SquashCommitRequest.ts';
import type { SquashCommitResponse as _strata_pfs_v1_SquashCommitResponse, SquashCommitResponse__Output as _strata_pfs_v1_SquashCommitResponse__Output } from './strata/pfs/v1/SquashCommitResponse.ts';
import type { StartCommitRequest as _strata_pfs_v1_StartCommitRequest, StartCommitRequest__Output as _strata_pfs_v1_StartCommitRequest__Output } from './strata/pfs/v1/StartCommitRequest.ts';
import type { SubscribeCommitRequest as _strata_pfs_v1_SubscribeCommitRequest, SubscribeCommitRequest__Output as _strata_pfs_v1_SubscribeCommitRequest__Output } from './strata/pfs/v1/SubscribeCommitRequest.ts';
import type { TagInfo as _strata_pfs_v1_TagInfo, TagInfo__Output as _strata_pfs_v1_TagInfo__Output } from './strata/pfs/v1/TagInfo.ts';
import type { UploadChunksRequest as _strata_pfs_v1_UploadChunksRequest, UploadChunksRequest__Output as _strata_pfs_v1_UploadChunksRequest__Output } from './strata/pfs/v1/UploadChunksRequest.ts';
import type { UploadChunksResponse as _strata_pfs_v1_UploadChunksResponse, UploadChunksResponse__Output as _strata_pfs_v1_UploadChunksResponse__Output } from './strata/pfs/v1/UploadChunksResponse.ts';
import type { WaitCommitRequest as _strata_pfs_v1_WaitCommitRequest, WaitCommitRequest__Output as _strata_pfs_v1_WaitCommitRequest__Output } from './strata/pfs/v1/WaitCommitRequest.ts';
import type { WalkFileRequest as _strata_pfs_v1_WalkFileRequest, WalkFileRequest__Output as _strata_pfs_v1_WalkFileRequest__Output } from './strata/pfs/v1/WalkFileRequest.ts';

type SubtypeConstructor<Constructor extends new (...args: any) => any, Subtype> = {
  new(...args: ConstructorParameters<Constructor>): Subtype;
};

export interface ProtoGrpcType {
  strata: {
    pfs: {
      v1: {
        Branch: MessageTypeDefinition<_strata_pfs_v1_Branch, _strata_pfs_v1_Branch__Output>
        BranchInfo: MessageTypeDefinition<_strata_pfs_v1_BranchInfo, _strata_pfs_v1_BranchInfo__Output>
        BulkChunks: MessageTypeDefinition<_strata_pfs_v1_BulkChunks, _strata_pfs_v1_BulkChunks__Output>
        Chunk: MessageTypeDefinition<_strata_pfs_v1_Chunk, _strata_pfs_v1_Chunk__Output>
        ChunkRef: MessageTypeDefinition<_strata_pfs_v1_ChunkRef, _strata_pfs_v1_ChunkRef__Output>
        Commit: MessageTypeDefinition<_strata_pfs_v1_Commit, _strata_pfs_v1_Commit__Output>
        CommitInfo: MessageTypeDefinition<_strata_pfs_v1_CommitInfo, _strata_pfs_v1_CommitInfo__Output>
        CommitOrigin: EnumTypeDefinition
        CommitState: EnumTypeDefinition
        CopyFile: MessageTypeDefinition<_strata_pfs_v1_CopyFile, _strata_pfs_v1_CopyFile__Output>
        CreateBranchRequest: MessageTypeDefinition<_strata_pfs_v1_CreateBranchRequest, _strata_pfs_v1_CreateBranchRequest__Output>
        CreateRepoRequest: MessageTypeDefinition<_strata_pfs_v1_CreateRepoRequest, _strata_pfs_v1_CreateRepoRequest__Output>
        CreateTagRequest: MessageTypeDefinition<_strata_pfs_v1_CreateTagRequest, _strata_pfs_v1_CreateTagRequest__Output>
        DataProblem: MessageTypeDefinition<_strata_pfs_v1_DataProblem, _strata_pfs_v1_DataProblem__Output>
        DeleteBranchRequest: MessageTypeDefinition<_strata_pfs_v1_DeleteBranchRequest, _strata_pfs_v1_DeleteBranchRequest__Output>
        DeleteBranchResponse: MessageTypeDefinition<_strata_pfs_v1_DeleteBranchResponse, _strata_pfs_v1_DeleteBranchResponse__Output>
        DeleteFile: MessageTypeDefinition<_strata_pfs_v1_DeleteFile, _strata_pfs_v1_DeleteFile__Output>
        DeleteRepoRequest: MessageTypeDefinition<_strata_pfs_v1_DeleteRepoRequest, _strata_pfs_v1_DeleteRepoRequest__Output>
        DeleteRepoResponse: MessageTypeDefinition<_strata_pfs_v1_DeleteRepoResponse, _strata_pfs_v1_DeleteRepoResponse__Output>
        DeleteTagRequest: MessageTypeDefinition<_strata_pfs_v1_DeleteTagRequest, _strata_pfs_v1_DeleteTagRequest__Output>
        DeleteTagResponse: MessageTypeDefinition<_strata_pfs_v1_DeleteTagResponse, _strata_pfs_v1_DeleteTagResponse__Output>
        DiffEntry: MessageTypeDefinition<_strata_pfs_v1_DiffEntry, _strata_pfs_v1_DiffEntry__Output>
        DiffFileRequest: MessageTypeDefinition<_strata_pfs_v1_DiffFileRequest, _strata_pfs_v1_DiffFileRequest__Output>
        DiffType: EnumTypeDefinition
        DropCommitRequest: MessageTypeDefinition<_strata_pfs_v1_DropCommitRequest, _strata_pfs_v1_DropCommitRequest__Output>
        DropCommitResponse: MessageTypeDefinition<_strata_pfs_v1_DropCommitResponse, _strata_pfs_v1_DropCommitResponse__Output>
        FileInfo: MessageTypeDefinition<_strata_pfs_v1_FileInfo, _strata_pfs_v1_FileInfo__Output>
        FileType: EnumTypeDefinition
        FinishCommitRequest: MessageTypeDefinition<_strata_pfs_v1_FinishCommitRequest, _strata_pfs_v1_FinishCommitRequest__Output>
        FsckDataReport: MessageTypeDefinition<_strata_pfs_v1_FsckDataReport, _strata_pfs_v1_FsckDataReport__Output>
        FsckProblem: MessageTypeDefinition<_strata_pfs_v1_FsckProblem, _strata_pfs_v1_FsckProblem__Output>
        FsckRequest: MessageTypeDefinition<_strata_pfs_v1_FsckRequest, _strata_pfs_v1_FsckRequest__Output>
        FsckResponse: MessageTypeDefinition<_strata_pfs_v1_FsckResponse, _strata_pfs_v1_FsckResponse__Output>
        GarbageCollectRequest: MessageTypeDefinition<_strata_pfs_v1_GarbageCollectRequest, _strata_pfs_v1_GarbageCollectRequest__Output>
        GarbageCollectResponse: MessageTypeDefinition<_strata_pfs_v1_GarbageCollectResponse, _strata_pfs_v1_GarbageCollectResponse__Output>
        GetChunksRequest: MessageTypeDefinition<_strata_pfs_v1_GetChunksRequest, _strata_pfs_v1_GetChunksRequest__Output>
        GetChunksResponse: MessageTypeDefinition<_strata_pfs_v1_GetChunksResponse, _strata_pfs_v1_GetChunksResponse__Output>
        GetFileRequest: MessageTypeDefinition<_strata_pfs_v1_GetFileRequest, _strata_pfs_v1_GetFileRequest__Output>
        GetFileResponse: MessageTypeDefinition<_strata_pfs_v1_GetFileResponse, _strata_pfs_v1_GetFileResponse__Output>
        GetServerInfoRequest: MessageTypeDefinition<_strata_pfs_v1_GetServerInfoRequest, _strata_pfs_v1_GetServerInfoRequest__Output>
        GetTarRequest: MessageTypeDefinition<_strata_pfs_v1_GetTarRequest, _strata_pfs_v1_GetTarRequest__Output>
        GetTarResponse: MessageTypeDefinition<_strata_pfs_v1_GetTarResponse, _strata_pfs_v1_GetTarResponse__Output>
        GlobFileRequest: MessageTypeDefinition<_strata_pfs_v1_GlobFileRequest, _strata_pfs_v1_GlobFileRequest__Output>
        InspectBranchRequest: MessageTypeDefinition<_strata_pfs_v1_InspectBranchRequest, _strata_pfs_v1_InspectBranchRequest__Output>
        InspectCommitRequest: MessageTypeDefinition<_strata_pfs_v1_InspectCommitRequest, _strata_pfs_v1_InspectCommitRequest__Output>
        InspectFileRequest: MessageTypeDefinition<_strata_pfs_v1_InspectFileRequest, _strata_pfs_v1_InspectFileRequest__Output>
        InspectRepoRequest: MessageTypeDefinition<_strata_pfs_v1_InspectRepoRequest, _strata_pfs_v1_InspectRepoRequest__Output>
        InspectTagRequest: MessageTypeDefinition<_strata_pfs_v1_InspectTagRequest, _strata_pfs_v1_InspectTagRequest__Output>
        ListBranchRequest: MessageTypeDefinition<_strata_pfs_v1_ListBranchRequest, _strata_pfs_v1_ListBranchRequest__Output>
        ListBranchResponse: MessageTypeDefinition<_strata_pfs_v1_ListBranchResponse, _strata_pfs_v1_ListBranchResponse__Output>
        ListCommitRequest: MessageTypeDefinition<_strata_pfs_v1_ListCommitRequest, _strata_pfs_v1_ListCommitRequest__Output>
        ListFileRequest: MessageTypeDefinition<_strata_pfs_v1_ListFileRequest, _strata_pfs_v1_ListFileRequest__Output>
        ListRepoRequest: MessageTypeDefinition<_strata_pfs_v1_ListRepoRequest, _strata_pfs_v1_ListRepoRequest__Output>
        ListRepoResponse: MessageTypeDefinition<_strata_pfs_v1_ListRepoResponse, _strata_pfs_v1_ListRepoResponse__Output>
        ListSubvenanceRequest: MessageTypeDefinition<_strata_pfs_v1_ListSubvenanceRequest, _strata_pfs_v1_ListSubvenanceRequest__Output>
        ListSubvenanceResponse: MessageTypeDefinition<_strata_pfs_v1_ListSubvenanceResponse, _strata_pfs_v1_ListSubvenanceResponse__Output>
        ListTagRequest: MessageTypeDefinition<_strata_pfs_v1_ListTagRequest, _strata_pfs_v1_ListTagRequest__Output>
        ListTagResponse: MessageTypeDefinition<_strata_pfs_v1_ListTagResponse, _strata_pfs_v1_ListTagResponse__Output>
        MissingChunksRequest: MessageTypeDefinition<_strata_pfs_v1_MissingChunksRequest, _strata_pfs_v1_MissingChunksRequest__Output>
        MissingChunksResponse: MessageTypeDefinition<_strata_pfs_v1_MissingChunksResponse, _strata_pfs_v1_MissingChunksResponse__Output>
        ModifyFileDone: MessageTypeDefinition<_strata_pfs_v1_ModifyFileDone, _strata_pfs_v1_ModifyFileDone__Output>
        ModifyFileHeader: MessageTypeDefinition<_strata_pfs_v1_ModifyFileHeader, _strata_pfs_v1_ModifyFileHeader__Output>
        ModifyFileRequest: MessageTypeDefinition<_strata_pfs_v1_ModifyFileRequest, _strata_pfs_v1_ModifyFileRequest__Output>
        PfsService: SubtypeConstructor<typeof grpc.Client, _strata_pfs_v1_PfsServiceClient> & { service: _strata_pfs_v1_PfsServiceDefinition }
        PutChunks: MessageTypeDefinition<_strata_pfs_v1_PutChunks, _strata_pfs_v1_PutChunks__Output>
        PutChunksBatch: MessageTypeDefinition<_strata_pfs_v1_PutChunksBatch, _strata_pfs_v1_PutChunksBatch__Output>
        PutFileStart: MessageTypeDefinition<_strata_pfs_v1_PutFileStart, _strata_pfs_v1_PutFileStart__Output>
        RepoInfo: MessageTypeDefinition<_strata_pfs_v1_RepoInfo, _strata_pfs_v1_RepoInfo__Output>
        ResetBranchRequest: MessageTypeDefinition<_strata_pfs_v1_ResetBranchRequest, _strata_pfs_v1_ResetBranchRequest__Output>
        ResetBranchResponse: MessageTypeDefinition<_strata_pfs_v1_ResetBranchResponse, _strata_pfs_v1_ResetBranchResponse__Output>
        ServerInfo: MessageTypeDefinition<_strata_pfs_v1_ServerInfo, _strata_pfs_v1_ServerInfo__Output>
        SquashCommitRequest: MessageTypeDefinition<_strata_pfs_v1_SquashCommitRequest, _strata_pfs_v1_SquashCommitRequest__Output>
        SquashCommitResponse: MessageTypeDefinition<_strata_pfs_v1_SquashCommitResponse, _strata_pfs_v1_SquashCommitResponse__Output>
        StartCommitRequest: MessageTypeDefinition<_strata_pfs_v1_StartCommitRequest, _strata_pfs_v1_StartCommitRequest__Output>
        SubscribeCommitRequest: MessageTypeDefinition<_strata_pfs_v1_SubscribeCommitRequest, _strata_pfs_v1_SubscribeCommitRequest__Output>
        TagInfo: MessageTypeDefinition<_strata_pfs_v1_TagInfo, _strata_pfs_v1_TagInfo__Output>
        UploadChunksRequest: MessageTypeDefinition<_strata_pfs_v1_UploadChunksRequest, _strata_pfs_v1_UploadChunksRequest__Output>
        UploadChunksResponse: MessageTypeDefinition<_strata_pfs_v1_UploadChunksResponse, _strata_pfs_v1_UploadChunksResponse__Output>
        WaitCommitRequest: MessageTypeDefinition<_strata_pfs_v1_WaitCommitRequest, _strata_pfs_v1_WaitCommitRequest__Output>
        WalkFileRequest: MessageTypeDefinition<_strata_pfs_v1_WalkFileRequest, _strata_pfs_v1_WalkFileRequest__Output>
      }
    }
  }
}

