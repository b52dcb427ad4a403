// Parses the --meta value that selects etcd:
//   etcd://HOST:PORT[,HOST:PORT...][/PREFIX][?max-txn-ops=N&max-request-bytes=N]
// PREFIX (default "strata/") keeps this deployment's keys apart in a shared
// etcd; the two limits must match the cluster's flags of the same names.
import { StrataError } from '../errors/index.ts';
import { quoteInput } from '../ids.ts';
import type { EtcdMetaStoreOptions } from './etcd-meta-store.ts';

export const DEFAULT_ETCD_PREFIX = 'strata/';

function bad(value: string, why: string): StrataError {
  return new StrataError('INVALID_ARGUMENT', `invalid --meta ${quoteInput(value)}: ${why}`, { value });
}

export function parseEtcdUrl(value: string): EtcdMetaStoreOptions {
  const m = /^etcd:\/\/([^/?]*)(\/[^?]*)?(\?.*)?$/.exec(value);
  if (!m) throw bad(value, 'expected etcd://HOST:PORT[,HOST:PORT...][/PREFIX]');
  const endpoints = m[1]!.split(',');
  for (const e of endpoints) {
    const hp = /^([A-Za-z0-9.-]+|\[[0-9a-fA-F:]+\]):(\d{1,5})$/.exec(e);
    if (!hp || Number(hp[2]) === 0 || Number(hp[2]) > 65535) throw bad(value, `endpoint ${quoteInput(e)} is not HOST:PORT`);
  }
  const path = (m[2] ?? '').slice(1);
  const prefix = path === '' ? DEFAULT_ETCD_PREFIX : path.endsWith('/') ? path : `${path}/`;
  const options: EtcdMetaStoreOptions = { endpoints, prefix };
  for (const [name, raw] of new URLSearchParams(m[3] ?? '')) {
    const n = Number(raw);
    if (!/^\d+$/.test(raw) || !Number.isSafeInteger(n) || n < 1) throw bad(value, `${name} must be a positive whole number`);
    if (name === 'max-txn-ops') options.maxTxnOps = n;
    else if (name === 'max-request-bytes') options.maxRequestBytes = n;
    else throw bad(value, `unknown option ${quoteInput(name)} (known: max-txn-ops, max-request-bytes)`);
  }
  return options;
}
