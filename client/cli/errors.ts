// Making failures readable at the command line: every error becomes a
// StrataError with a message a person can act on (connection refused ->
// where the CLI looked and how to point it elsewhere; a hex name that is
// not 32 digits -> a hint that commit ids have 32).
import { StrataError, isStrataError } from '../../src/errors/index.ts';
import { resolveAddress } from './config.ts';

const HEXISH = /^[0-9a-f]{4,}$/i;

export async function explain(err: unknown, argv: string[], env: NodeJS.ProcessEnv): Promise<StrataError> {
  if (!isStrataError(err)) {
    return new StrataError('INTERNAL', err instanceof Error ? err.message : String(err), {}, { cause: err });
  }
  if (err.code === 'UNAVAILABLE' && err.data.grpcStatus === 'UNAVAILABLE') {
    const address = await resolveAddress(addressOf(argv), env).then((r) => r.address, () => undefined);
    if (typeof err.data.noAnswerMs === 'number') {
      return new StrataError(err.code, `cannot reach the server${address ? ` at ${address}` : ''}: no answer within ${err.data.noAnswerMs} ms (--connect-timeout); is a server there stopped or hung, or is this another service's port? Set the address with --address, STRATA_ADDRESS or "strata config set address HOST:PORT"`, err.data, { cause: err });
    }
    return new StrataError(err.code, `cannot reach the server${address ? ` at ${address}` : ''} (${reason(err.message)}); is it running (strata server)? Set the address with --address, STRATA_ADDRESS or "strata config set address HOST:PORT"`, err.data, { cause: err });
  }
  if (err.code === 'BRANCH_NOT_FOUND' && typeof err.data.branch === 'string' && HEXISH.test(err.data.branch)) {
    const n = err.data.branch.length;
    const hint = n >= 7 ? `and no commit id starts with "${err.data.branch}"` : `(a commit id has 32 hex digits, or give at least 7 of them; "${err.data.branch}" has ${n})`;
    return new StrataError(err.code, `${err.message} ${hint}`, err.data, { cause: err });
  }
  return err;
}

/** The cause in a few words, from grpc-js's long "No connection established. Last error: ..." text. */
function reason(details: string): string {
  if (/ECONNREFUSED/.test(details)) return 'connection refused';
  if (/ENOTFOUND|EAI_AGAIN|getaddrinfo/.test(details)) return 'host not found';
  if (/ETIMEDOUT|timed out|Deadline/i.test(details)) return 'timed out';
  if (/EHOSTUNREACH|ENETUNREACH/.test(details)) return 'host unreachable';
  return details.replace(/\s*Resolution note:\s*$/, '').trim();
}

function addressOf(argv: string[]): string | undefined {
  const i = argv.findIndex((a) => a === '--address' || a.startsWith('--address='));
  if (i < 0) return undefined;
  return argv[i]!.includes('=') ? argv[i]!.slice('--address='.length) : argv[i + 1];
}
