// Renders a file's preview from its first bytes: text, markdown, CSV/TSV as
// a table, pretty JSON, images by URL. All text is escaped; a preview cut at
// its cap says so and points to the download.
import { parse as parseCsv } from 'csv-parse/sync';
import { formatBytes } from '../format.ts';
import { html, type SafeHtml } from '../html.ts';
import { decodeText, looksBinary, type PreviewKind } from '../preview.ts';
import { urls } from '../urls.ts';
import { renderMarkdown } from './markdown.ts';

export const CSV_MAX_ROWS = 500;

export interface PreviewInput {
  repo: string;
  ref: string;
  path: string;
  size: number;
  kind: PreviewKind;
  /** The file's first bytes (empty for images, which the browser fetches). */
  head: Buffer;
}

function cutNotice(p: PreviewInput, shown: string): SafeHtml {
  return html`<p class="notice">Preview of the first ${shown} of ${formatBytes(p.size)}; <a href="${urls.raw(p.repo, p.ref, p.path)}">download</a> the whole file.</p>`;
}

function textPreview(p: PreviewInput, text: string, truncated: boolean): SafeHtml {
  return html`${truncated ? cutNotice(p, formatBytes(p.head.length)) : ''}<pre class="text">${text}</pre>`;
}

function csvPreview(p: PreviewInput, text: string, truncated: boolean): SafeHtml {
  // A cut file ends mid-record: parse only the complete lines.
  const body = truncated ? text.slice(0, text.lastIndexOf('\n') + 1) : text;
  let rows: string[][];
  try {
    rows = parseCsv(body, { delimiter: p.kind === 'tsv' ? '\t' : ',', relax_column_count: true, relax_quotes: true, skip_empty_lines: true, to: CSV_MAX_ROWS + 1 }) as string[][];
  } catch (err) {
    return html`<p class="notice">Not shown as a table (${err instanceof Error ? err.message : String(err)}); as text:</p>${textPreview(p, text, truncated)}`;
  }
  const [header, ...rest] = rows;
  const more = rows.length > CSV_MAX_ROWS || truncated;
  return html`${more ? html`<p class="notice">The first ${Math.min(rest.length, CSV_MAX_ROWS)} rows; <a href="${urls.raw(p.repo, p.ref, p.path)}">download</a> the whole file (${formatBytes(p.size)}).</p>` : ''}
<div class="scroll"><table class="csv"><thead><tr>${(header ?? []).map((h) => html`<th>${h}</th>`)}</tr></thead>
<tbody>${rest.slice(0, CSV_MAX_ROWS).map((r) => html`<tr>${r.map((c) => html`<td>${c}</td>`)}</tr>`)}</tbody></table></div>`;
}

function jsonPreview(p: PreviewInput, text: string, truncated: boolean): SafeHtml {
  if (!truncated) {
    try {
      return html`<pre class="text">${JSON.stringify(JSON.parse(text), null, 2)}</pre>`;
    } catch (err) {
      return html`<p class="notice">Not valid JSON (${err instanceof Error ? err.message : String(err)}); as text:</p>${textPreview(p, text, false)}`;
    }
  }
  return textPreview(p, text, true);
}

export function renderPreview(p: PreviewInput): SafeHtml {
  if (p.kind === 'image') return html`<img alt="${p.path}" src="${urls.raw(p.repo, p.ref, p.path, true)}">`;
  if (p.size === 0) return html`<p class="empty">Empty file.</p>`;
  if (looksBinary(p.head)) return html`<p class="empty">Binary file (${formatBytes(p.size)}): <a href="${urls.raw(p.repo, p.ref, p.path)}">download</a> it to look inside.</p>`;
  const truncated = p.head.length < p.size;
  const text = decodeText(p.head, truncated);
  switch (p.kind) {
    case 'markdown':
      return html`${truncated ? cutNotice(p, formatBytes(p.head.length)) : ''}<div class="markdown">${renderMarkdown(text, p)}</div>`;
    case 'csv':
    case 'tsv':
      return csvPreview(p, text, truncated);
    case 'json':
      return jsonPreview(p, text, truncated);
    default:
      return textPreview(p, text, truncated);
  }
}
