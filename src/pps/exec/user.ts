// transform.user for executors that switch users themselves (local): a
// name or number, optionally ":group", resolved against this host's
// /etc/passwd and /etc/group as a container runtime resolves it against the
// image's.
import { readFileSync } from 'node:fs';
import { StrataError } from '../../errors/index.ts';

export interface UnixUser {
  uid: number;
  gid: number;
}

function table(file: string): string[][] {
  try {
    return readFileSync(file, 'utf8').split('\n').filter((l) => l && !l.startsWith('#')).map((l) => l.split(':'));
  } catch {
    return [];
  }
}

const bad = (user: string, why: string): StrataError =>
  new StrataError('INVALID_PIPELINE_SPEC', `invalid pipeline spec: transform.user "${user}": ${why}`, { field: 'transform.user', user });

/** "alice", "1000", "1000:1000", "alice:staff": a number is taken as is; a name must exist here. */
export function resolveUser(user: string, files = { passwd: '/etc/passwd', group: '/etc/group' }): UnixUser {
  const [u = '', g, ...rest] = user.split(':');
  if (u === '' || g === '' || rest.length > 0) throw bad(user, 'expected USER or USER:GROUP (a name or a number each)');
  let uid: number;
  let gid: number | undefined;
  if (/^\d+$/.test(u)) {
    uid = Number(u);
    const row = table(files.passwd).find((r) => r[2] === u);
    gid = row ? Number(row[3]) : uid; // a uid unknown here: its own number as group, as docker does
  } else {
    const row = table(files.passwd).find((r) => r[0] === u);
    if (!row) throw bad(user, `no user "${u}" on this host (a number works without one)`);
    uid = Number(row[2]);
    gid = Number(row[3]);
  }
  if (g !== undefined) {
    if (/^\d+$/.test(g)) gid = Number(g);
    else {
      const row = table(files.group).find((r) => r[0] === g);
      if (!row) throw bad(user, `no group "${g}" on this host`);
      gid = Number(row[2]);
    }
  }
  if (uid > 0xfffffffe || gid > 0xfffffffe) throw bad(user, 'id out of range');
  return { uid, gid };
}
