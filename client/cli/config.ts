// The CLI's config file: the server address, the token of `strata auth
// login` and the CA to verify the server with, kept in $STRATA_CONFIG or
// ~/.config/strata/config.json ($XDG_CONFIG_HOME honoured), always mode
// 0600 since it may hold a token. The address in use is --address, else
// STRATA_ADDRESS, else the file, else the default. The file is small and
// read once per command: read synchronously, which spares every command
// node:fs/promises and its file-handle round trips (~2 ms of CPU a command).
import { chmodSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { StrataError } from '../../src/errors/index.ts';

export const DEFAULT_ADDRESS = '127.0.0.1:7730';

export interface CliConfig {
  address?: string;
  /** The bearer token (`strata auth login`); STRATA_TOKEN wins over it. */
  token?: string;
  /** PEM file of the CA that signed the server's certificate (`--tls-ca`). */
  tlsCa?: string;
}

export const CONFIG_KEYS = ['address'] as const;
export type ConfigKey = (typeof CONFIG_KEYS)[number];

export function configPath(env: NodeJS.ProcessEnv): string {
  if (env.STRATA_CONFIG) return env.STRATA_CONFIG;
  const base = env.XDG_CONFIG_HOME || join(homedir(), '.config');
  return join(base, 'strata', 'config.json');
}

export async function readConfig(path: string): Promise<CliConfig> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw new StrataError('FAILED_PRECONDITION', `cannot read the config file ${path}: ${(err as Error).message}`, { path }, { cause: err });
  }
  try {
    const parsed = JSON.parse(text) as unknown;
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('not a JSON object');
    const out: CliConfig = {};
    for (const key of ['address', 'token', 'tlsCa'] as const) {
      const value = (parsed as Record<string, unknown>)[key];
      if (typeof value === 'string') out[key] = value;
    }
    return out;
  } catch (err) {
    throw new StrataError('FAILED_PRECONDITION', `the config file ${path} is not valid JSON (${(err as Error).message}); fix or delete it`, { path }, { cause: err });
  }
}

export async function writeConfig(path: string, config: CliConfig): Promise<void> {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.tmp-${process.pid}`;
  // 0600 from the start (the rename keeps it): the file may hold a token.
  writeFileSync(tmp, `${JSON.stringify(config, null, 2)}\n`, { mode: 0o600 });
  chmodSync(tmp, 0o600); // a umask cannot widen it, but an old tmp of another mode could exist
  renameSync(tmp, path);
}

/** HOST:PORT with a port in range; the host may be empty (127.0.0.1), a name, IPv4 or [IPv6]. */
export function parseAddress(value: string): string {
  const m = /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9_.-]*):(\d{1,5})$/.exec(value);
  if (!m || Number(m[2]) > 65535) {
    throw new StrataError('INVALID_ARGUMENT', `invalid address "${value}": expected HOST:PORT, e.g. 127.0.0.1:7730`, { input: value });
  }
  return m[1] === '' ? `127.0.0.1:${m[2]}` : value;
}

export function parseConfigKey(key: string): ConfigKey {
  if (!(CONFIG_KEYS as readonly string[]).includes(key)) {
    throw new StrataError('INVALID_ARGUMENT', `unknown config key "${key}": known keys are ${CONFIG_KEYS.join(', ')}`, { input: key });
  }
  return key as ConfigKey;
}

/** The address to use and where it came from. */
export async function resolveAddress(flag: string | undefined, env: NodeJS.ProcessEnv): Promise<{ address: string; source: string }> {
  if (flag) return { address: parseAddress(flag), source: '--address' };
  if (env.STRATA_ADDRESS) return { address: parseAddress(env.STRATA_ADDRESS), source: 'STRATA_ADDRESS' };
  const path = configPath(env);
  const config = await readConfig(path);
  if (config.address) return { address: parseAddress(config.address), source: path };
  return { address: DEFAULT_ADDRESS, source: 'default' };
}
