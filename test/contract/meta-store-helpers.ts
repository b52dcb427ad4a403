// Helpers shared by the MetaStore contract files.
import { expect } from 'vitest';
import { isStrataError } from '../../src/errors/index.ts';
import type { MetaStore } from '../../src/meta/meta-store.ts';

/** The store under test; replaced before each test, so read it inside tests only. */
export interface ContractContext {
  store: MetaStore;
}

const enc = new TextEncoder();
export const dec = new TextDecoder();
export const b = (s: string): Uint8Array => enc.encode(s);

export async function collect(it: AsyncIterable<[string, Uint8Array]>): Promise<string[]> {
  const out: string[] = [];
  for await (const [key] of it) out.push(key);
  return out;
}

export async function rejectsWith(p: Promise<unknown>, code: string): Promise<Error> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(isStrataError(err), `expected StrataError ${code}, got ${String(err)}`).toBe(true);
  expect((err as { code: string }).code).toBe(code);
  return err as Error;
}
