// Every RPC of every service has an access policy (a method without one is
// refused at run time; this catches it before), and no policy names a
// method that does not exist.
import { describe, expect, it } from 'vitest';
import { AUTH_POLICIES, loadAuthProto } from '../../../server/grpc/auth-service.ts';
import { PFS_POLICIES, PPS_POLICIES } from '../../../server/grpc/policy.ts';
import { loadPpsProto } from '../../../server/grpc/pps-service.ts';
import { loadProtos } from '../../../server/grpc/proto.ts';

const services = [
  ['PfsService', Object.keys(loadProtos().pfsService), PFS_POLICIES],
  ['PpsService', Object.keys(loadPpsProto().service), PPS_POLICIES],
  ['AuthService', Object.keys(loadAuthProto().service), AUTH_POLICIES],
] as const;

describe('access policies', () => {
  for (const [name, methods, policies] of services) {
    it(`${name}: one policy per method, no more`, () => {
      expect(Object.keys(policies).sort()).toEqual([...methods].sort());
    });
  }

  it('every pfs write is audited', () => {
    for (const m of ['CreateRepo', 'DeleteRepo', 'CreateBranch', 'DeleteBranch', 'ResetBranch', 'StartCommit', 'FinishCommit', 'SquashCommit', 'DropCommit', 'ModifyFile', 'CreateTag', 'DeleteTag', 'GarbageCollect']) {
      expect(PFS_POLICIES[m]?.audit, m).toBe(true);
    }
  });

  it('only server info and activation are open', () => {
    const open = services.flatMap(([, , p]) => Object.entries(p).filter(([, v]) => v.open).map(([k]) => k));
    expect(open.sort()).toEqual(['Activate', 'GetServerInfo']);
  });
});
