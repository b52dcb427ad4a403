import type * as grpc from '@grpc/grpc-js';
import type { MessageTypeDefinition } from '@grpc/proto-loader';

import type { ActivateRequest as _strata_auth_v1_ActivateRequest, ActivateRequest__Output as _strata_auth_v1_ActivateRequest__Output } from './strata/auth/v1/ActivateRequest.ts';
import type { ActivateResponse as _strata_auth_v1_ActivateResponse, ActivateResponse__Output as _strata_auth_v1_ActivateResponse__Output } from './strata/auth/v1/ActivateResponse.ts';
import type { AuditEntry as _strata_auth_v1_AuditEntry, AuditEntry__Output as _strata_auth_v1_AuditEntry__Output } from './strata/auth/v1/AuditEntry.ts';
import type { AuthServiceClient as _strata_auth_v1_AuthServiceClient, AuthServiceDefinition as _strata_auth_v1_AuthServiceDefinition } from './strata/auth/v1/AuthService.ts';
import type { CreateTokenRequest as _strata_auth_v1_CreateTokenRequest, CreateTokenRequest__Output as _strata_auth_v1_CreateTokenRequest__Output } from './strata/auth/v1/CreateTokenRequest.ts';
import type { CreateTokenResponse as _strata_auth_v1_CreateTokenResponse, CreateTokenResponse__Output as _strata_auth_v1_CreateTokenResponse__Output } from './strata/auth/v1/CreateTokenResponse.ts';
import type { DeactivateRequest as _strata_auth_v1_DeactivateRequest, DeactivateRequest__Output as _strata_auth_v1_DeactivateRequest__Output } from './strata/auth/v1/DeactivateRequest.ts';
import type { DeactivateResponse as _strata_auth_v1_DeactivateResponse, DeactivateResponse__Output as _strata_auth_v1_DeactivateResponse__Output } from './strata/auth/v1/DeactivateResponse.ts';
import type { GetAuditRequest as _strata_auth_v1_GetAuditRequest, GetAuditRequest__Output as _strata_auth_v1_GetAuditRequest__Output } from './strata/auth/v1/GetAuditRequest.ts';
import type { GetAuditResponse as _strata_auth_v1_GetAuditResponse, GetAuditResponse__Output as _strata_auth_v1_GetAuditResponse__Output } from './strata/auth/v1/GetAuditResponse.ts';
import type { GetRolesRequest as _strata_auth_v1_GetRolesRequest, GetRolesRequest__Output as _strata_auth_v1_GetRolesRequest__Output } from './strata/auth/v1/GetRolesRequest.ts';
import type { GetRolesResponse as _strata_auth_v1_GetRolesResponse, GetRolesResponse__Output as _strata_auth_v1_GetRolesResponse__Output } from './strata/auth/v1/GetRolesResponse.ts';
import type { ListAdminsRequest as _strata_auth_v1_ListAdminsRequest, ListAdminsRequest__Output as _strata_auth_v1_ListAdminsRequest__Output } from './strata/auth/v1/ListAdminsRequest.ts';
import type { ListAdminsResponse as _strata_auth_v1_ListAdminsResponse, ListAdminsResponse__Output as _strata_auth_v1_ListAdminsResponse__Output } from './strata/auth/v1/ListAdminsResponse.ts';
import type { ListTokensRequest as _strata_auth_v1_ListTokensRequest, ListTokensRequest__Output as _strata_auth_v1_ListTokensRequest__Output } from './strata/auth/v1/ListTokensRequest.ts';
import type { ListTokensResponse as _strata_auth_v1_ListTokensResponse, ListTokensResponse__Output as _strata_auth_v1_ListTokensResponse__Output } from './strata/auth/v1/ListTokensResponse.ts';
import type { RevokeTokenRequest as _strata_auth_v1_RevokeTokenRequest, RevokeTokenRequest__Output as _strata_auth_v1_RevokeTokenRequest__Output } from './strata/auth/v1/RevokeTokenRequest.ts';
import type { RoleBinding as _strata_auth_v1_RoleBinding, RoleBinding__Output as _strata_auth_v1_RoleBinding__Output } from './strata/auth/v1/RoleBinding.ts';
import type { SetAdminRequest as _strata_auth_v1_SetAdminRequest, SetAdminRequest__Output as _strata_auth_v1_SetAdminRequest__Output } from './strata/auth/v1/SetAdminRequest.ts';
import type { SetAdminResponse as _strata_auth_v1_SetAdminResponse, SetAdminResponse__Output as _strata_auth_v1_SetAdminResponse__Output } from './strata/auth/v1/SetAdminResponse.ts';
import type { SetRoleRequest as _strata_auth_v1_SetRoleRequest, SetRoleRequest__Output as _strata_auth_v1_SetRoleRequest__Output } from './strata/auth/v1/SetRoleRequest.ts';
import type { SetRoleResponse as _strata_auth_v1_SetRoleResponse, SetRoleResponse__Output as _strata_auth_v1_SetRoleResponse__Output } from './strata/auth/v1/SetRoleResponse.ts';
import type { TokenInfo as _strata_auth_v1_TokenInfo, TokenInfo__Output as _strata_auth_v1_TokenInfo__Output } from './strata/auth/v1/TokenInfo.ts';
import type { WhoAmIRequest as _strata_auth_v1_WhoAmIRequest, WhoAmIRequest__Output as _strata_auth_v1_WhoAmIRequest__Output } from './strata/auth/v1/WhoAmIRequest.ts';
import type { WhoAmIResponse as _strata_auth_v1_WhoAmIResponse, WhoAmIResponse__Output as _strata_auth_v1_WhoAmIResponse__Output } from './strata/auth/v1/WhoAmIResponse.ts';

type SubtypeConstructor<Constructor extends new (...args: any) => any, Subtype> = {
  new(...args: ConstructorParameters<Constructor>): Subtype;
};

export interface ProtoGrpcType {
  strata: {
    auth: {
      v1: {
        ActivateRequest: MessageTypeDefinition<_strata_auth_v1_ActivateRequest, _strata_auth_v1_ActivateRequest__Output>
        ActivateResponse: MessageTypeDefinition<_strata_auth_v1_ActivateResponse, _strata_auth_v1_ActivateResponse__Output>
        AuditEntry: MessageTypeDefinition<_strata_auth_v1_AuditEntry, _strata_auth_v1_AuditEntry__Output>
        AuthService: SubtypeConstructor<typeof grpc.Client, _strata_auth_v1_AuthServiceClient> & { service: _strata_auth_v1_AuthServiceDefinition }
        CreateTokenRequest: MessageTypeDefinition<_strata_auth_v1_CreateTokenRequest, _strata_auth_v1_CreateTokenRequest__Output>
        CreateTokenResponse: MessageTypeDefinition<_strata_auth_v1_CreateTokenResponse, _strata_auth_v1_CreateTokenResponse__Output>
        DeactivateRequest: MessageTypeDefinition<_strata_auth_v1_DeactivateRequest, _strata_auth_v1_DeactivateRequest__Output>
        DeactivateResponse: MessageTypeDefinition<_strata_auth_v1_DeactivateResponse, _strata_auth_v1_DeactivateResponse__Output>
        GetAuditRequest: MessageTypeDefinition<_strata_auth_v1_GetAuditRequest, _strata_auth_v1_GetAuditRequest__Output>
        GetAuditResponse: MessageTypeDefinition<_strata_auth_v1_GetAuditResponse, _strata_auth_v1_GetAuditResponse__Output>
        GetRolesRequest: MessageTypeDefinition<_strata_auth_v1_GetRolesRequest, _strata_auth_v1_GetRolesRequest__Output>
        GetRolesResponse: MessageTypeDefinition<_strata_auth_v1_GetRolesResponse, _strata_auth_v1_GetRolesResponse__Output>
        ListAdminsRequest: MessageTypeDefinition<_strata_auth_v1_ListAdminsRequest, _strata_auth_v1_ListAdminsRequest__Output>
        ListAdminsResponse: MessageTypeDefinition<_strata_auth_v1_ListAdminsResponse, _strata_auth_v1_ListAdminsResponse__Output>
        ListTokensRequest: MessageTypeDefinition<_strata_auth_v1_ListTokensRequest, _strata_auth_v1_ListTokensRequest__Output>
        ListTokensResponse: MessageTypeDefinition<_strata_auth_v1_ListTokensResponse, _strata_auth_v1_ListTokensResponse__Output>
        RevokeTokenRequest: MessageTypeDefinition<_strata_auth_v1_RevokeTokenRequest, _strata_auth_v1_RevokeTokenRequest__Output>
        RoleBinding: MessageTypeDefinition<_strata_auth_v1_RoleBinding, _strata_auth_v1_RoleBinding__Output>
        SetAdminRequest: MessageTypeDefinition<_strata_auth_v1_SetAdminRequest, _strata_auth_v1_SetAdminRequest__Output>
        SetAdminResponse: MessageTypeDefinition<_strata_auth_v1_SetAdminResponse, _strata_auth_v1_SetAdminResponse__Output>
        SetRoleRequest: MessageTypeDefinition<_strata_auth_v1_SetRoleRequest, _strata_auth_v1_SetRoleRequest__Output>
        SetRoleResponse: MessageTypeDefinition<_strata_auth_v1_SetRoleResponse, _strata_auth_v1_SetRoleResponse__Output>
        TokenInfo: MessageTypeDefinition<_strata_auth_v1_TokenInfo, _strata_auth_v1_TokenInfo__Output>
        WhoAmIRequest: MessageTypeDefinition<_strata_auth_v1_WhoAmIRequest, _strata_auth_v1_WhoAmIRequest__Output>
        WhoAmIResponse: MessageTypeDefinition<_strata_auth_v1_WhoAmIResponse, _strata_auth_v1_WhoAmIResponse__Output>
      }
    }
  }
}

