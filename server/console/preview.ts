// What a file page previews, and reading just enough of the file for it:
// never more than a fixed cap, whatever the file's size (the rest is one
// click away as a streamed download).
import { extname } from 'node:path';
import type { FilePath } from '../../src/ids.ts';
import type { Pfs } from '../../src/pfs/pfs.ts';
import type { Ref } from '../../src/ref.ts';

export type PreviewKind = 'image' | 'markdown' | 'csv' | 'tsv' | 'json' | 'text';

/** Image types a browser shows in <img>; SVG in <img> runs no script. */
export const IMAGE_TYPES: Readonly<Record<string, string>> = {
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.bmp': 'image/bmp',
  '.ico': 'image/x-icon',
  '.avif': 'image/avif',
  '.svg': 'image/svg+xml',
};

const KINDS: Readonly<Record<string, PreviewKind>> = { '.md': 'markdown', '.markdown': 'markdown', '.csv': 'csv', '.tsv': 'tsv', '.json': 'json', '.geojson': 'json' };

/** Bytes read for a preview, by kind. */
export const PREVIEW_CAP: Readonly<Record<Exclude<PreviewKind, 'image'>, number>> = { text: 256 << 10, markdown: 512 << 10, csv: 512 << 10, tsv: 512 << 10, json: 1 << 20 };

export function previewKind(path: string): PreviewKind {
  const ext = extname(path).toLowerCase();
  if (IMAGE_TYPES[ext]) return 'image';
  return KINDS[ext] ?? 'text';
}

export function imageType(path: string): string | undefined {
  return IMAGE_TYPES[extname(path).toLowerCase()];
}

/** The first `cap` bytes of a file (or all of it when smaller), as one buffer. */
export async function readHead(pfs: Pfs, ref: Ref, path: FilePath, size: number, cap: number): Promise<Buffer> {
  if (size === 0) return Buffer.alloc(0);
  const stream = await pfs.getFile(ref, path, { offset: 0, length: Math.min(size, cap) });
  const parts: Buffer[] = [];
  for await (const part of stream) parts.push(part as Buffer);
  return Buffer.concat(parts);
}

/** Binary when it has a NUL byte early on (as git and grep decide). */
export function looksBinary(bytes: Buffer): boolean {
  return bytes.subarray(0, 8000).includes(0);
}

/** UTF-8 text; a multi-byte character cut by the cap is dropped rather than shown as garbage. */
export function decodeText(bytes: Buffer, truncated: boolean): string {
  const text = bytes.toString('utf8');
  return truncated ? text.replace(/\uFFFD$/, '') : text;
}
