// Original file: proto/strata/auth/v1/auth.proto

import type { AuditEntry as _strata_auth_v1_AuditEntry, AuditEntry__Output as _strata_auth_v1_AuditEntry__Output } from '../../../strata/auth/v1/AuditEntry.ts';

export interface GetAuditResponse {
  'entries'?: (_strata_auth_v1_AuditEntry)[];
}

export interface GetAuditResponse__Output {
  'entries': (_strata_auth_v1_AuditEntry__Output)[];
}
