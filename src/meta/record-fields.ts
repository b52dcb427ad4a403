// Checked readers for the fields of stored JSON records. Anything that does
// not have the shape we write is META_CORRUPT, naming the record and field.
import { StrataError } from '../errors/index.ts';

export type Json = Record<string, unknown>;

export class FieldReader {
  readonly #obj: Json;
  readonly #what: string;

  constructor(obj: Json, what: string) {
    this.#obj = obj;
    this.#what = what;
  }

  fail(field: string, rule: string, cause?: unknown): never {
    throw new StrataError('META_CORRUPT', `corrupt ${this.#what}: field "${field}" ${rule}`, { field }, { cause });
  }

  /** Whether an optional field is present (not undefined). */
  has(field: string): boolean {
    return this.#obj[field] !== undefined;
  }

  string(field: string): string {
    const v = this.#obj[field];
    if (typeof v !== 'string') this.fail(field, 'must be a string');
    return v;
  }

  nullableString(field: string): string | null {
    return this.#obj[field] === null ? null : this.string(field);
  }

  /** A non-negative safe integer (sizes, counts, epoch milliseconds). */
  count(field: string): number {
    const v = this.#obj[field];
    if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) this.fail(field, 'must be a non-negative integer');
    return v;
  }

  nullableCount(field: string): number | null {
    return this.#obj[field] === null ? null : this.count(field);
  }

  oneOf<T extends string>(field: string, allowed: readonly T[]): T {
    const v = this.#obj[field];
    if (typeof v !== 'string' || !(allowed as readonly string[]).includes(v)) this.fail(field, `must be one of ${allowed.join(', ')}`);
    return v as T;
  }

  /** Runs a parse function (parseRepoName, ...) on a string field; its InvalidArgument becomes corruption. */
  parsed<T>(field: string, parse: (s: string) => T): T {
    const s = this.string(field);
    try {
      return parse(s);
    } catch (err) {
      this.fail(field, `is invalid: ${err instanceof Error ? err.message : String(err)}`, err);
    }
  }

  nullableParsed<T>(field: string, parse: (s: string) => T): T | null {
    return this.#obj[field] === null ? null : this.parsed(field, parse);
  }

  /** An array of objects, each read by `item` with its own FieldReader. */
  array<T>(field: string, item: (r: FieldReader) => T): T[] {
    const v = this.#obj[field];
    if (!Array.isArray(v)) this.fail(field, 'must be an array');
    return v.map((el, i) => item(new FieldReader(asObject(el, () => this.fail(`${field}[${i}]`, 'must be an object')), `${this.#what} ${field}[${i}]`)));
  }

  /**
   * An array of arrays (a record stored in columns), each row read by `row`
   * through a reader of its cells: str(i, j) and list(i, j) check the type.
   */
  rows<T>(field: string, row: (cells: RowCells, i: number) => T): T[] {
    const v = this.#obj[field];
    if (!Array.isArray(v)) this.fail(field, 'must be an array');
    const cell = (i: number, j: number): unknown => {
      const r = v[i] as unknown;
      if (!Array.isArray(r)) this.fail(`${field}[${i}]`, 'must be an array');
      return r[j] as unknown;
    };
    const cells: RowCells = {
      str: (i, j) => {
        const c = cell(i, j);
        if (typeof c !== 'string') this.fail(`${field}[${i}][${j}]`, 'must be a string');
        return c;
      },
      list: (i, j) => {
        const c = cell(i, j);
        if (!Array.isArray(c)) this.fail(`${field}[${i}][${j}]`, 'must be an array');
        return c as unknown[];
      },
    };
    return v.map((_, i) => row(cells, i));
  }

  stringMap(field: string): Record<string, string> {
    const obj = asObject(this.#obj[field], () => this.fail(field, 'must be an object'));
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(obj)) {
      if (typeof v !== 'string') this.fail(`${field}.${k}`, 'must be a string');
      out[k] = v;
    }
    return out;
  }
}

export interface RowCells {
  str(row: number, col: number): string;
  list(row: number, col: number): unknown[];
}

function asObject(v: unknown, fail: () => never): Json {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) fail();
  return v as Json;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

export function encodeJson(obj: Json): Uint8Array {
  return encoder.encode(JSON.stringify(obj));
}

/**
 * Parses a stored record and checks its version. Versions other than the
 * one this code knows are corrupt too, but say so plainly: a newer Strata
 * may have written them.
 */
export function decodeJson(bytes: Uint8Array, what: string, version: number): FieldReader {
  let parsed: unknown;
  try {
    parsed = JSON.parse(decoder.decode(bytes));
  } catch (err) {
    throw new StrataError('META_CORRUPT', `corrupt ${what}: not UTF-8 JSON (${bytes.length} bytes)`, {}, { cause: err });
  }
  const obj = asObject(parsed, () => {
    throw new StrataError('META_CORRUPT', `corrupt ${what}: not a JSON object`);
  });
  if (obj.v !== version) {
    const seen = typeof obj.v === 'number' ? `version ${obj.v}` : 'no version';
    throw new StrataError('META_CORRUPT', `corrupt ${what}: ${seen}, expected version ${version} (written by another Strata version?)`, {
      version: typeof obj.v === 'number' ? obj.v : null,
    });
  }
  return new FieldReader(obj, what);
}
