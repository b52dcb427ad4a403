// Original file: proto/strata/auth/v1/auth.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { ActivateRequest as _strata_auth_v1_ActivateRequest, ActivateRequest__Output as _strata_auth_v1_ActivateRequest__Output } from '../../../strata/auth/v1/ActivateRequest.ts';
import type { ActivateResponse as _strata_auth_v1_ActivateResponse, ActivateResponse__Output as _strata_auth_v1_ActivateResponse__Output } from '../../../strata/auth/v1/ActivateResponse.ts';
import type { CreateTokenRequest as _strata_auth_v1_CreateTokenRequest, CreateTokenRequest__Output as _strata_auth_v1_CreateTokenRequest__Output } from '../../../strata/auth/v1/CreateTokenRequest.ts';
import type { CreateTokenResponse as _strata_auth_v1_CreateTokenResponse, CreateTokenResponse__Output as _strata_auth_v1_CreateTokenResponse__Output } from '../../../strata/auth/v1/CreateTokenResponse.ts';
import type { DeactivateRequest as _strata_auth_v1_DeactivateRequest, DeactivateRequest__Output as _strata_auth_v1_DeactivateRequest__Output } from '../../../strata/auth/v1/DeactivateRequest.ts';
import type { DeactivateResponse as _strata_auth_v1_DeactivateResponse, DeactivateResponse__Output as _strata_auth_v1_DeactivateResponse__Output } from '../../../strata/auth/v1/DeactivateResponse.ts';
import type { GetAuditRequest as _strata_auth_v1_GetAuditRequest, GetAuditRequest__Output as _strata_auth_v1_GetAuditRequest__Output } from '../../../strata/auth/v1/GetAuditRequest.ts';
import type { GetAuditResponse as _strata_auth_v1_GetAuditResponse, GetAuditResponse__Output as _strata_auth_v1_GetAuditResponse__Output } from '../../../strata/auth/v1/GetAuditResponse.ts';
import type { GetRolesRequest as _strata_auth_v1_GetRolesRequest, GetRolesRequest__Output as _strata_auth_v1_GetRolesRequest__Output } from '../../../strata/auth/v1/GetRolesRequest.ts';
import type { GetRolesResponse as _strata_auth_v1_GetRolesResponse, GetRolesResponse__Output as _strata_auth_v1_GetRolesResponse__Output } from '../../../strata/auth/v1/GetRolesResponse.ts';
import type { ListAdminsRequest as _strata_auth_v1_ListAdminsRequest, ListAdminsRequest__Output as _strata_auth_v1_ListAdminsRequest__Output } from '../../../strata/auth/v1/ListAdminsRequest.ts';
import type { ListAdminsResponse as _strata_auth_v1_ListAdminsResponse, ListAdminsResponse__Output as _strata_auth_v1_ListAdminsResponse__Output } from '../../../strata/auth/v1/ListAdminsResponse.ts';
import type { ListTokensRequest as _strata_auth_v1_ListTokensRequest, ListTokensRequest__Output as _strata_auth_v1_ListTokensRequest__Output } from '../../../strata/auth/v1/ListTokensRequest.ts';
import type { ListTokensResponse as _strata_auth_v1_ListTokensResponse, ListTokensResponse__Output as _strata_auth_v1_ListTokensResponse__Output } from '../../../strata/auth/v1/ListTokensResponse.ts';
import type { RevokeTokenRequest as _strata_auth_v1_RevokeTokenRequest, RevokeTokenRequest__Output as _strata_auth_v1_RevokeTokenRequest__Output } from '../../../strata/auth/v1/RevokeTokenRequest.ts';
import type { SetAdminRequest as _strata_auth_v1_SetAdminRequest, SetAdminRequest__Output as _strata_auth_v1_SetAdminRequest__Output } from '../../../strata/auth/v1/SetAdminRequest.ts';
import type { SetAdminResponse as _strata_auth_v1_SetAdminResponse, SetAdminResponse__Output as _strata_auth_v1_SetAdminResponse__Output } from '../../../strata/auth/v1/SetAdminResponse.ts';
import type { SetRoleRequest as _strata_auth_v1_SetRoleRequest, SetRoleRequest__Output as _strata_auth_v1_SetRoleRequest__Output } from '../../../strata/auth/v1/SetRoleRequest.ts';
import type { SetRoleResponse as _strata_auth_v1_SetRoleResponse, SetRoleResponse__Output as _strata_auth_v1_SetRoleResponse__Output } from '../../../strata/auth/v1/SetRoleResponse.ts';
import type { TokenInfo as _strata_auth_v1_TokenInfo, TokenInfo__Output as _strata_auth_v1_TokenInfo__Output } from '../../../strata/auth/v1/TokenInfo.ts';
import type { WhoAmIRequest as _strata_auth_v1_WhoAmIRequest, WhoAmIRequest__Output as _strata_auth_v1_WhoAmIRequest__Output } from '../../../strata/auth/v1/WhoAmIRequest.ts';
import type { WhoAmIResponse as _strata_auth_v1_WhoAmIResponse, WhoAmIResponse__Output as _strata_auth_v1_WhoAmIResponse__Output } from '../../../strata/auth/v1/WhoAmIResponse.ts';

export interface AuthServiceClient extends grpc.Client {
  /**
   * Turns auth on (for every server sharing the store) and returns the root
   * token, once. Needs no token: while auth is off every caller may do all.
   * AUTH_ALREADY_ACTIVE when it is on.
   */
  Activate(argument: _strata_auth_v1_ActivateRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_strata_auth_v1_ActivateResponse__Output>): grpc.ClientUnaryCall;
  Activate(argument: _strata_auth_v1_ActivateRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_strata_auth_v1_ActivateResponse__Output>): grpc.ClientUnaryCall;
  Activate(argument: _strata_auth_v1_ActivateRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_strata_auth_v1_ActivateResponse__Output>): grpc.ClientUnaryCall;
  Activate(argument: _strata_auth_v1_ActivateRequest, callback: grpc.requestCallback<_strata_auth_v1_ActivateResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Turns auth on (for every server sharing the store) and returns the root
   * token, once. Needs no token: while auth is off every caller may do all.
   * AUTH_ALREADY_ACTIVE when it is on.
   */
  activate(argument: _strata_auth_v1_ActivateRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_strata_auth_v1_ActivateResponse__Output>): grpc.ClientUnaryCall;
  activate(argument: _strata_auth_v1_ActivateRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_strata_auth_v1_ActivateResponse__Output>): grpc.ClientUnaryCall;
  activate(argument: _strata_auth_v1_ActivateRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_strata_auth_v1_ActivateResponse__Output>): grpc.ClientUnaryCall;
  activate(argument: _strata_auth_v1_ActivateRequest, callback: grpc.requestCallback<_strata_auth_v1_ActivateResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * A new token for a subject (user:NAME or robot:NAME); admins for anyone,
   * users for themselves. The token is in the answer only.
   */
  CreateToken(argument: _strata_auth_v1_CreateTokenRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_strata_auth_v1_CreateTokenResponse__Output>): grpc.ClientUnaryCall;
  CreateToken(argument: _strata_auth_v1_CreateTokenRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_strata_auth_v1_CreateTokenResponse__Output>): grpc.ClientUnaryCall;
  CreateToken(argument: _strata_auth_v1_CreateTokenRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_strata_auth_v1_CreateTokenResponse__Output>): grpc.ClientUnaryCall;
  CreateToken(argument: _strata_auth_v1_CreateTokenRequest, callback: grpc.requestCallback<_strata_auth_v1_CreateTokenResponse__Output>): grpc.ClientUnaryCall;
  /**
   * A new token for a subject (user:NAME or robot:NAME); admins for anyone,
   * users for themselves. The token is in the answer only.
   */
  createToken(argument: _strata_auth_v1_CreateTokenRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_strata_auth_v1_CreateTokenResponse__Output>): grpc.ClientUnaryCall;
  createToken(argument: _strata_auth_v1_CreateTokenRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_strata_auth_v1_CreateTokenResponse__Output>): grpc.ClientUnaryCall;
  createToken(argument: _strata_auth_v1_CreateTokenRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_strata_auth_v1_CreateTokenResponse__Output>): grpc.ClientUnaryCall;
  createToken(argument: _strata_auth_v1_CreateTokenRequest, callback: grpc.requestCallback<_strata_auth_v1_CreateTokenResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Turns auth off and forgets every token and role (the audit log stays). Admins.
   */
  Deactivate(argument: _strata_auth_v1_DeactivateRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_strata_auth_v1_DeactivateResponse__Output>): grpc.ClientUnaryCall;
  Deactivate(argument: _strata_auth_v1_DeactivateRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_strata_auth_v1_DeactivateResponse__Output>): grpc.ClientUnaryCall;
  Deactivate(argument: _strata_auth_v1_DeactivateRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_strata_auth_v1_DeactivateResponse__Output>): grpc.ClientUnaryCall;
  Deactivate(argument: _strata_auth_v1_DeactivateRequest, callback: grpc.requestCallback<_strata_auth_v1_DeactivateResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Turns auth off and forgets every token and role (the audit log stays). Admins.
   */
  deactivate(argument: _strata_auth_v1_DeactivateRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_strata_auth_v1_DeactivateResponse__Output>): grpc.ClientUnaryCall;
  deactivate(argument: _strata_auth_v1_DeactivateRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_strata_auth_v1_DeactivateResponse__Output>): grpc.ClientUnaryCall;
  deactivate(argument: _strata_auth_v1_DeactivateRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_strata_auth_v1_DeactivateResponse__Output>): grpc.ClientUnaryCall;
  deactivate(argument: _strata_auth_v1_DeactivateRequest, callback: grpc.requestCallback<_strata_auth_v1_DeactivateResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Audit records (writes and auth changes), oldest first. Admins.
   */
  GetAudit(argument: _strata_auth_v1_GetAuditRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_strata_auth_v1_GetAuditResponse__Output>): grpc.ClientUnaryCall;
  GetAudit(argument: _strata_auth_v1_GetAuditRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_strata_auth_v1_GetAuditResponse__Output>): grpc.ClientUnaryCall;
  GetAudit(argument: _strata_auth_v1_GetAuditRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_strata_auth_v1_GetAuditResponse__Output>): grpc.ClientUnaryCall;
  GetAudit(argument: _strata_auth_v1_GetAuditRequest, callback: grpc.requestCallback<_strata_auth_v1_GetAuditResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Audit records (writes and auth changes), oldest first. Admins.
   */
  getAudit(argument: _strata_auth_v1_GetAuditRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_strata_auth_v1_GetAuditResponse__Output>): grpc.ClientUnaryCall;
  getAudit(argument: _strata_auth_v1_GetAuditRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_strata_auth_v1_GetAuditResponse__Output>): grpc.ClientUnaryCall;
  getAudit(argument: _strata_auth_v1_GetAuditRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_strata_auth_v1_GetAuditResponse__Output>): grpc.ClientUnaryCall;
  getAudit(argument: _strata_auth_v1_GetAuditRequest, callback: grpc.requestCallback<_strata_auth_v1_GetAuditResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * The role bindings of a repo. Readers of the repo.
   */
  GetRoles(argument: _strata_auth_v1_GetRolesRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_strata_auth_v1_GetRolesResponse__Output>): grpc.ClientUnaryCall;
  GetRoles(argument: _strata_auth_v1_GetRolesRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_strata_auth_v1_GetRolesResponse__Output>): grpc.ClientUnaryCall;
  GetRoles(argument: _strata_auth_v1_GetRolesRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_strata_auth_v1_GetRolesResponse__Output>): grpc.ClientUnaryCall;
  GetRoles(argument: _strata_auth_v1_GetRolesRequest, callback: grpc.requestCallback<_strata_auth_v1_GetRolesResponse__Output>): grpc.ClientUnaryCall;
  /**
   * The role bindings of a repo. Readers of the repo.
   */
  getRoles(argument: _strata_auth_v1_GetRolesRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_strata_auth_v1_GetRolesResponse__Output>): grpc.ClientUnaryCall;
  getRoles(argument: _strata_auth_v1_GetRolesRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_strata_auth_v1_GetRolesResponse__Output>): grpc.ClientUnaryCall;
  getRoles(argument: _strata_auth_v1_GetRolesRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_strata_auth_v1_GetRolesResponse__Output>): grpc.ClientUnaryCall;
  getRoles(argument: _strata_auth_v1_GetRolesRequest, callback: grpc.requestCallback<_strata_auth_v1_GetRolesResponse__Output>): grpc.ClientUnaryCall;
  
  ListAdmins(argument: _strata_auth_v1_ListAdminsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_strata_auth_v1_ListAdminsResponse__Output>): grpc.ClientUnaryCall;
  ListAdmins(argument: _strata_auth_v1_ListAdminsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_strata_auth_v1_ListAdminsResponse__Output>): grpc.ClientUnaryCall;
  ListAdmins(argument: _strata_auth_v1_ListAdminsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_strata_auth_v1_ListAdminsResponse__Output>): grpc.ClientUnaryCall;
  ListAdmins(argument: _strata_auth_v1_ListAdminsRequest, callback: grpc.requestCallback<_strata_auth_v1_ListAdminsResponse__Output>): grpc.ClientUnaryCall;
  listAdmins(argument: _strata_auth_v1_ListAdminsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_strata_auth_v1_ListAdminsResponse__Output>): grpc.ClientUnaryCall;
  listAdmins(argument: _strata_auth_v1_ListAdminsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_strata_auth_v1_ListAdminsResponse__Output>): grpc.ClientUnaryCall;
  listAdmins(argument: _strata_auth_v1_ListAdminsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_strata_auth_v1_ListAdminsResponse__Output>): grpc.ClientUnaryCall;
  listAdmins(argument: _strata_auth_v1_ListAdminsRequest, callback: grpc.requestCallback<_strata_auth_v1_ListAdminsResponse__Output>): grpc.ClientUnaryCall;
  
  ListTokens(argument: _strata_auth_v1_ListTokensRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_strata_auth_v1_ListTokensResponse__Output>): grpc.ClientUnaryCall;
  ListTokens(argument: _strata_auth_v1_ListTokensRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_strata_auth_v1_ListTokensResponse__Output>): grpc.ClientUnaryCall;
  ListTokens(argument: _strata_auth_v1_ListTokensRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_strata_auth_v1_ListTokensResponse__Output>): grpc.ClientUnaryCall;
  ListTokens(argument: _strata_auth_v1_ListTokensRequest, callback: grpc.requestCallback<_strata_auth_v1_ListTokensResponse__Output>): grpc.ClientUnaryCall;
  listTokens(argument: _strata_auth_v1_ListTokensRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_strata_auth_v1_ListTokensResponse__Output>): grpc.ClientUnaryCall;
  listTokens(argument: _strata_auth_v1_ListTokensRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_strata_auth_v1_ListTokensResponse__Output>): grpc.ClientUnaryCall;
  listTokens(argument: _strata_auth_v1_ListTokensRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_strata_auth_v1_ListTokensResponse__Output>): grpc.ClientUnaryCall;
  listTokens(argument: _strata_auth_v1_ListTokensRequest, callback: grpc.requestCallback<_strata_auth_v1_ListTokensResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * By id (or a unique prefix of 8+ hex digits) or by the token itself.
   */
  RevokeToken(argument: _strata_auth_v1_RevokeTokenRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_strata_auth_v1_TokenInfo__Output>): grpc.ClientUnaryCall;
  RevokeToken(argument: _strata_auth_v1_RevokeTokenRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_strata_auth_v1_TokenInfo__Output>): grpc.ClientUnaryCall;
  RevokeToken(argument: _strata_auth_v1_RevokeTokenRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_strata_auth_v1_TokenInfo__Output>): grpc.ClientUnaryCall;
  RevokeToken(argument: _strata_auth_v1_RevokeTokenRequest, callback: grpc.requestCallback<_strata_auth_v1_TokenInfo__Output>): grpc.ClientUnaryCall;
  /**
   * By id (or a unique prefix of 8+ hex digits) or by the token itself.
   */
  revokeToken(argument: _strata_auth_v1_RevokeTokenRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_strata_auth_v1_TokenInfo__Output>): grpc.ClientUnaryCall;
  revokeToken(argument: _strata_auth_v1_RevokeTokenRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_strata_auth_v1_TokenInfo__Output>): grpc.ClientUnaryCall;
  revokeToken(argument: _strata_auth_v1_RevokeTokenRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_strata_auth_v1_TokenInfo__Output>): grpc.ClientUnaryCall;
  revokeToken(argument: _strata_auth_v1_RevokeTokenRequest, callback: grpc.requestCallback<_strata_auth_v1_TokenInfo__Output>): grpc.ClientUnaryCall;
  
  /**
   * Makes or unmakes a cluster admin. Admins.
   */
  SetAdmin(argument: _strata_auth_v1_SetAdminRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_strata_auth_v1_SetAdminResponse__Output>): grpc.ClientUnaryCall;
  SetAdmin(argument: _strata_auth_v1_SetAdminRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_strata_auth_v1_SetAdminResponse__Output>): grpc.ClientUnaryCall;
  SetAdmin(argument: _strata_auth_v1_SetAdminRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_strata_auth_v1_SetAdminResponse__Output>): grpc.ClientUnaryCall;
  SetAdmin(argument: _strata_auth_v1_SetAdminRequest, callback: grpc.requestCallback<_strata_auth_v1_SetAdminResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Makes or unmakes a cluster admin. Admins.
   */
  setAdmin(argument: _strata_auth_v1_SetAdminRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_strata_auth_v1_SetAdminResponse__Output>): grpc.ClientUnaryCall;
  setAdmin(argument: _strata_auth_v1_SetAdminRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_strata_auth_v1_SetAdminResponse__Output>): grpc.ClientUnaryCall;
  setAdmin(argument: _strata_auth_v1_SetAdminRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_strata_auth_v1_SetAdminResponse__Output>): grpc.ClientUnaryCall;
  setAdmin(argument: _strata_auth_v1_SetAdminRequest, callback: grpc.requestCallback<_strata_auth_v1_SetAdminResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Sets a subject's role on a repo (role "none" removes it). Owners of the repo, admins.
   */
  SetRole(argument: _strata_auth_v1_SetRoleRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_strata_auth_v1_SetRoleResponse__Output>): grpc.ClientUnaryCall;
  SetRole(argument: _strata_auth_v1_SetRoleRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_strata_auth_v1_SetRoleResponse__Output>): grpc.ClientUnaryCall;
  SetRole(argument: _strata_auth_v1_SetRoleRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_strata_auth_v1_SetRoleResponse__Output>): grpc.ClientUnaryCall;
  SetRole(argument: _strata_auth_v1_SetRoleRequest, callback: grpc.requestCallback<_strata_auth_v1_SetRoleResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Sets a subject's role on a repo (role "none" removes it). Owners of the repo, admins.
   */
  setRole(argument: _strata_auth_v1_SetRoleRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_strata_auth_v1_SetRoleResponse__Output>): grpc.ClientUnaryCall;
  setRole(argument: _strata_auth_v1_SetRoleRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_strata_auth_v1_SetRoleResponse__Output>): grpc.ClientUnaryCall;
  setRole(argument: _strata_auth_v1_SetRoleRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_strata_auth_v1_SetRoleResponse__Output>): grpc.ClientUnaryCall;
  setRole(argument: _strata_auth_v1_SetRoleRequest, callback: grpc.requestCallback<_strata_auth_v1_SetRoleResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * The caller's identity (with auth off: user:anonymous, an admin).
   */
  WhoAmI(argument: _strata_auth_v1_WhoAmIRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_strata_auth_v1_WhoAmIResponse__Output>): grpc.ClientUnaryCall;
  WhoAmI(argument: _strata_auth_v1_WhoAmIRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_strata_auth_v1_WhoAmIResponse__Output>): grpc.ClientUnaryCall;
  WhoAmI(argument: _strata_auth_v1_WhoAmIRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_strata_auth_v1_WhoAmIResponse__Output>): grpc.ClientUnaryCall;
  WhoAmI(argument: _strata_auth_v1_WhoAmIRequest, callback: grpc.requestCallback<_strata_auth_v1_WhoAmIResponse__Output>): grpc.ClientUnaryCall;
  /**
   * The caller's identity (with auth off: user:anonymous, an admin).
   */
  whoAmI(argument: _strata_auth_v1_WhoAmIRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_strata_auth_v1_WhoAmIResponse__Output>): grpc.ClientUnaryCall;
  whoAmI(argument: _strata_auth_v1_WhoAmIRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_strata_auth_v1_WhoAmIResponse__Output>): grpc.ClientUnaryCall;
  whoAmI(argument: _strata_auth_v1_WhoAmIRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_strata_auth_v1_WhoAmIResponse__Output>): grpc.ClientUnaryCall;
  whoAmI(argument: _strata_auth_v1_WhoAmIRequest, callback: grpc.requestCallback<_strata_auth_v1_WhoAmIResponse__Output>): grpc.ClientUnaryCall;
  
}

export interface AuthServiceHandlers extends grpc.UntypedServiceImplementation {
  /**
   * Turns auth on (for every server sharing the store) and returns the root
   * token, once. Needs no token: while auth is off every caller may do all.
   * AUTH_ALREADY_ACTIVE when it is on.
   */
  Activate: grpc.handleUnaryCall<_strata_auth_v1_ActivateRequest__Output, _strata_auth_v1_ActivateResponse>;
  
  /**
   * A new token for a subject (user:NAME or robot:NAME); admins for anyone,
   * users for themselves. The token is in the answer only.
   */
  CreateToken: grpc.handleUnaryCall<_strata_auth_v1_CreateTokenRequest__Output, _strata_auth_v1_CreateTokenResponse>;
  
  /**
   * Turns auth off and forgets every token and role (the audit log stays). Admins.
   */
  Deactivate: grpc.handleUnaryCall<_strata_auth_v1_DeactivateRequest__Output, _strata_auth_v1_DeactivateResponse>;
  
  /**
   * Audit records (writes and auth changes), oldest first. Admins.
   */
  GetAudit: grpc.handleUnaryCall<_strata_auth_v1_GetAuditRequest__Output, _strata_auth_v1_GetAuditResponse>;
  
  /**
   * The role bindings of a repo. Readers of the repo.
   */
  GetRoles: grpc.handleUnaryCall<_strata_auth_v1_GetRolesRequest__Output, _strata_auth_v1_GetRolesResponse>;
  
  ListAdmins: grpc.handleUnaryCall<_strata_auth_v1_ListAdminsRequest__Output, _strata_auth_v1_ListAdminsResponse>;
  
  ListTokens: grpc.handleUnaryCall<_strata_auth_v1_ListTokensRequest__Output, _strata_auth_v1_ListTokensResponse>;
  
  /**
   * By id (or a unique prefix of 8+ hex digits) or by the token itself.
   */
  RevokeToken: grpc.handleUnaryCall<_strata_auth_v1_RevokeTokenRequest__Output, _strata_auth_v1_TokenInfo>;
  
  /**
   * Makes or unmakes a cluster admin. Admins.
   */
  SetAdmin: grpc.handleUnaryCall<_strata_auth_v1_SetAdminRequest__Output, _strata_auth_v1_SetAdminResponse>;
  
  /**
   * Sets a subject's role on a repo (role "none" removes it). Owners of the repo, admins.
   */
  SetRole: grpc.handleUnaryCall<_strata_auth_v1_SetRoleRequest__Output, _strata_auth_v1_SetRoleResponse>;
  
  /**
   * The caller's identity (with auth off: user:anonymous, an admin).
   */
  WhoAmI: grpc.handleUnaryCall<_strata_auth_v1_WhoAmIRequest__Output, _strata_auth_v1_WhoAmIResponse>;
  
}

export interface AuthServiceDefinition extends grpc.ServiceDefinition {
  Activate: MethodDefinition<_strata_auth_v1_ActivateRequest, _strata_auth_v1_ActivateResponse, _strata_auth_v1_ActivateRequest__Output, _strata_auth_v1_ActivateResponse__Output>
  CreateToken: MethodDefinition<_strata_auth_v1_CreateTokenRequest, _strata_auth_v1_CreateTokenResponse, _strata_auth_v1_CreateTokenRequest__Output, _strata_auth_v1_CreateTokenResponse__Output>
  Deactivate: MethodDefinition<_strata_auth_v1_DeactivateRequest, _strata_auth_v1_DeactivateResponse, _strata_auth_v1_DeactivateRequest__Output, _strata_auth_v1_DeactivateResponse__Output>
  GetAudit: MethodDefinition<_strata_auth_v1_GetAuditRequest, _strata_auth_v1_GetAuditResponse, _strata_auth_v1_GetAuditRequest__Output, _strata_auth_v1_GetAuditResponse__Output>
  GetRoles: MethodDefinition<_strata_auth_v1_GetRolesRequest, _strata_auth_v1_GetRolesResponse, _strata_auth_v1_GetRolesRequest__Output, _strata_auth_v1_GetRolesResponse__Output>
  ListAdmins: MethodDefinition<_strata_auth_v1_ListAdminsRequest, _strata_auth_v1_ListAdminsResponse, _strata_auth_v1_ListAdminsRequest__Output, _strata_auth_v1_ListAdminsResponse__Output>
  ListTokens: MethodDefinition<_strata_auth_v1_ListTokensRequest, _strata_auth_v1_ListTokensResponse, _strata_auth_v1_ListTokensRequest__Output, _strata_auth_v1_ListTokensResponse__Output>
  RevokeToken: MethodDefinition<_strata_auth_v1_RevokeTokenRequest, _strata_auth_v1_TokenInfo, _strata_auth_v1_RevokeTokenRequest__Output, _strata_auth_v1_TokenInfo__Output>
  SetAdmin: MethodDefinition<_strata_auth_v1_SetAdminRequest, _strata_auth_v1_SetAdminResponse, _strata_auth_v1_SetAdminRequest__Output, _strata_auth_v1_SetAdminResponse__Output>
  SetRole: MethodDefinition<_strata_auth_v1_SetRoleRequest, _strata_auth_v1_SetRoleResponse, _strata_auth_v1_SetRoleRequest__Output, _strata_auth_v1_SetRoleResponse__Output>
  WhoAmI: MethodDefinition<_strata_auth_v1_WhoAmIRequest, _strata_auth_v1_WhoAmIResponse, _strata_auth_v1_WhoAmIRequest__Output, _strata_auth_v1_WhoAmIResponse__Output>
}
