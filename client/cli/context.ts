// What every command gets: the global options, output in the chosen mode
// (human text, one JSON document, or JSON lines for streams), the client
// (created on first use, so commands that need no server start fast).
// Progress bars are progress.ts, imported by the commands that draw them.
import { once } from 'node:events';
import type { StrataClient } from '../sdk/index.ts';
import { resolveConnection, type Connection, type TlsGlobals } from './connection.ts';
import { loadSdk } from './sdk-loader.ts';

export interface Globals extends TlsGlobals {
  address?: string;
  connectTimeout?: number;
  json?: boolean;
  quiet?: boolean;
  debug?: boolean;
}

/** How long a command waits for the server to accept connections (it may be starting). */
export const DEFAULT_CONNECT_TIMEOUT_MS = 3_000;

export interface Io {
  stdout: NodeJS.WriteStream;
  stderr: NodeJS.WriteStream;
  stdin: NodeJS.ReadStream;
  env: NodeJS.ProcessEnv;
}

export class Context {
  private clientPromise: Promise<StrataClient> | undefined;
  address: string | undefined;

  constructor(
    readonly globals: Globals,
    readonly io: Io,
  ) {}

  get json(): boolean {
    return this.globals.json === true;
  }

  get quiet(): boolean {
    return this.globals.quiet === true;
  }

  /** Address, token and TLS settings, for any SDK client (PFS, PPS, auth). */
  async connection(): Promise<Connection & { connectTimeoutMs: number }> {
    const c = await resolveConnection(this.globals, this.io.env);
    this.address = c.address;
    return { ...c, connectTimeoutMs: this.globals.connectTimeout ?? DEFAULT_CONNECT_TIMEOUT_MS };
  }

  /** The SDK client for the resolved address, created once. */
  client(): Promise<StrataClient> {
    this.clientPromise ??= (async () => {
      const connection = await this.connection();
      const { createClient } = await loadSdk();
      return createClient(connection);
    })();
    return this.clientPromise;
  }

  async close(): Promise<void> {
    if (this.clientPromise) (await this.clientPromise.catch(() => undefined))?.close();
  }

  /** Writes to stdout, waiting when the pipe is full (large listings stay bounded). */
  async write(text: string | Uint8Array): Promise<void> {
    if (!this.io.stdout.write(text)) await once(this.io.stdout, 'drain');
  }

  /** A line of human output on stdout (printed even with --quiet: it is the answer). */
  async line(text: string): Promise<void> {
    await this.write(`${text}\n`);
  }

  /** One JSON document. */
  async jsonDoc(value: unknown): Promise<void> {
    await this.write(`${JSON.stringify(value, null, 2)}\n`);
  }

  /** One JSON line (a stream item). */
  async jsonLine(value: unknown): Promise<void> {
    await this.write(`${JSON.stringify(value)}\n`);
  }

  /** Prints `value` as JSON in --json mode, else the human text. */
  async result(value: unknown, human: () => string): Promise<void> {
    if (this.json) await this.jsonDoc(value);
    else {
      const text = human();
      if (text !== '') await this.line(text);
    }
  }

  /** A list: JSON lines (one object per item) in --json mode, else the human text. */
  async results(items: readonly unknown[], human: () => string): Promise<void> {
    if (!this.json) return this.result(items, human);
    for (const item of items) await this.jsonLine(item);
  }

  /** A note for people about what happened (e.g. the commit a put made); silent with --quiet or --json. */
  async note(text: string): Promise<void> {
    if (!this.quiet && !this.json) await this.line(text);
  }
}
