// Checked reads of one JSON object of a pipeline spec. Every complaint is an
// INVALID_PIPELINE_SPEC naming the field by its full path in the spec
// (`input.cross[1].pfs.glob`), so the user can find it without guessing.
import { StrataError } from '../errors/index.ts';

export type JsonObject = Record<string, unknown>;

export function specError(field: string, rule: string): StrataError {
  return new StrataError('INVALID_PIPELINE_SPEC', `invalid pipeline spec: ${field} ${rule}`, { field });
}

export function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Reads the fields of one object; `done()` refuses any field nobody read. */
export class SpecReader {
  private readonly seen = new Set<string>();

  constructor(
    readonly obj: JsonObject,
    /** Where the object is in the spec, e.g. "transform"; "" for the top. */
    readonly at: string,
  ) {}

  static of(v: unknown, at: string): SpecReader {
    if (!isObject(v)) throw specError(at || 'the spec', 'must be a JSON object');
    return new SpecReader(v, at);
  }

  path(field: string): string {
    return this.at ? `${this.at}.${field}` : field;
  }

  has(field: string): boolean {
    this.seen.add(field);
    return this.obj[field] !== undefined && this.obj[field] !== null;
  }

  raw(field: string): unknown {
    this.seen.add(field);
    return this.obj[field];
  }

  fail(field: string, rule: string): never {
    throw specError(this.path(field), rule);
  }

  string(field: string, fallback?: string): string {
    const v = this.raw(field);
    if (v === undefined || v === null) {
      if (fallback === undefined) this.fail(field, 'is required');
      return fallback;
    }
    if (typeof v !== 'string') this.fail(field, `must be a string, not ${JSON.stringify(v)}`);
    return v;
  }

  bool(field: string): boolean {
    const v = this.raw(field);
    if (v === undefined || v === null) return false;
    if (typeof v !== 'boolean') this.fail(field, `must be true or false, not ${JSON.stringify(v)}`);
    return v;
  }

  /** A non-negative integer (JSON numbers; Pachyderm's int64 fields may also come as strings). */
  count(field: string, fallback: number): number {
    const v = this.raw(field);
    if (v === undefined || v === null) return fallback;
    const n = typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : v;
    if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 0) this.fail(field, `must be a whole number >= 0, not ${JSON.stringify(v)}`);
    return n;
  }

  strings(field: string): string[] {
    const v = this.raw(field);
    if (v === undefined || v === null) return [];
    if (!Array.isArray(v) || v.some((s) => typeof s !== 'string')) this.fail(field, 'must be an array of strings');
    return v as string[];
  }

  ints(field: string): number[] {
    const v = this.raw(field);
    if (v === undefined || v === null) return [];
    if (!Array.isArray(v) || v.some((n) => typeof n !== 'number' || !Number.isInteger(n))) this.fail(field, 'must be an array of integers');
    return v as number[];
  }

  stringMap(field: string): Record<string, string> {
    const v = this.raw(field);
    if (v === undefined || v === null) return {};
    if (!isObject(v)) this.fail(field, 'must be an object of strings');
    for (const [k, s] of Object.entries(v)) if (typeof s !== 'string') this.fail(`${field}.${k}`, 'must be a string');
    return v as Record<string, string>;
  }

  /** A nested object's reader (undefined when absent). */
  object(field: string): SpecReader | undefined {
    const v = this.raw(field);
    if (v === undefined || v === null) return undefined;
    if (!isObject(v)) this.fail(field, 'must be a JSON object');
    return new SpecReader(v, this.path(field));
  }

  /** Refuses fields this server does not know: a typo must not be silently ignored. */
  done(): void {
    for (const k of Object.keys(this.obj)) {
      if (!this.seen.has(k)) throw specError(this.path(k), 'is not a known pipeline spec field (see docs/pipelines.md)');
    }
  }
}
