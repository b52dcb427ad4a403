// How the CLI reaches the server: the address (config.ts), the token
// (STRATA_TOKEN, else the config file's from `strata auth login`) and TLS
// (--tls-ca / STRATA_TLS_CA / the config file's tlsCa to verify the
// server; --tls-cert and --tls-key for mutual TLS; --tls alone trusts the
// system's CAs). Mounts and `strata run` get the same through ctx.client().
import { readFileSync } from 'node:fs';
import { StrataError } from '../../src/errors/index.ts';
import type { TlsOptions } from '../sdk/transport.ts';
import { configPath, readConfig, resolveAddress } from './config.ts';

export interface TlsGlobals {
  address?: string;
  tls?: boolean;
  tlsCa?: string;
  tlsCert?: string;
  tlsKey?: string;
}

export interface Connection {
  address: string;
  token?: string;
  tls?: TlsOptions;
}

async function pemFile(path: string, what: string): Promise<Buffer> {
  try {
    return readFileSync(path); // small, once per command (see config.ts)
  } catch (err) {
    throw new StrataError('INVALID_ARGUMENT', `cannot read ${what} ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, { path }, { cause: err });
  }
}

export async function resolveConnection(globals: TlsGlobals, env: NodeJS.ProcessEnv): Promise<Connection> {
  const { address } = await resolveAddress(globals.address, env);
  const config = await readConfig(configPath(env));
  const token = env.STRATA_TOKEN || config.token || undefined;
  const ca = globals.tlsCa ?? (env.STRATA_TLS_CA || config.tlsCa || undefined);
  const cert = globals.tlsCert ?? (env.STRATA_TLS_CERT || undefined);
  const key = globals.tlsKey ?? (env.STRATA_TLS_KEY || undefined);
  if ((cert === undefined) !== (key === undefined)) throw new StrataError('INVALID_ARGUMENT', 'a client certificate needs both --tls-cert and --tls-key (or STRATA_TLS_CERT and STRATA_TLS_KEY)', {});
  const useTls = globals.tls === true || env.STRATA_TLS === '1' || ca !== undefined || cert !== undefined;
  if (!useTls) return { address, ...(token ? { token } : {}) };
  const tls: TlsOptions = {
    ...(ca ? { ca: await pemFile(ca, 'the CA file (--tls-ca)') } : {}),
    ...(cert && key ? { cert: await pemFile(cert, 'the client certificate (--tls-cert)'), key: await pemFile(key, 'the client key (--tls-key)') } : {}),
  };
  return { address, ...(token ? { token } : {}), tls };
}
