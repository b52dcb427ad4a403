// Comparing two refs: the form, the list of changed files (shared with the
// commit page), and a line diff of one text file.
import type { StructuredPatch } from 'diff';
import { formatBytes } from '../format.ts';
import { html, type SafeHtml } from '../html.ts';
import { urls } from '../urls.ts';
import { changesTable, type ChangePage } from './commits.ts';

export function compareForm(repo: string, base: string, head: string): SafeHtml {
  return html`<form class="inline" method="get" action="${urls.compare(repo)}">
<label>Base (older)<input type="text" name="base" value="${base}" placeholder="main^" required></label>
<label>Head (newer)<input type="text" name="head" value="${head}" placeholder="main" required></label>
<button type="submit">Compare</button></form>`;
}

export function compareView(repo: string, base: string, head: string, page: ChangePage | null): SafeHtml {
  return html`<h1>Compare ${repo}</h1>
${compareForm(repo, base, head)}
${page ? html`<h2>Changes from ${base} to ${head}</h2>${changesTable(repo, base, head, page)}` : html`<p class="muted">Give two branches or commits (for example "main^" and "main", or two commit ids) to see what changed between them.</p>`}`;
}

export type FileDiff =
  | { kind: 'patch'; patch: StructuredPatch }
  | { kind: 'same' }
  | { kind: 'binary' }
  | { kind: 'too-large'; cap: number }
  | { kind: 'too-different' };

export interface FileDiffSide {
  ref: string;
  size: number | null;
}

function hunkRows(patch: StructuredPatch): SafeHtml[] {
  const rows: SafeHtml[] = [];
  for (const h of patch.hunks) {
    rows.push(html`<tr class="hunk"><td class="ln"></td><td class="ln"></td><td>@@ -${h.oldStart},${h.oldLines} +${h.newStart},${h.newLines} @@</td></tr>`);
    let o = h.oldStart;
    let n = h.newStart;
    for (const line of h.lines) {
      const mark = line[0];
      const text = line.slice(1);
      if (mark === '\\') continue; // "\ No newline at end of file"
      if (mark === '+') rows.push(html`<tr class="add"><td class="ln"></td><td class="ln">${n++}</td><td>+${text}</td></tr>`);
      else if (mark === '-') rows.push(html`<tr class="del"><td class="ln">${o++}</td><td class="ln"></td><td>-${text}</td></tr>`);
      else rows.push(html`<tr><td class="ln">${o++}</td><td class="ln">${n++}</td><td> ${text}</td></tr>`);
    }
  }
  return rows;
}

export function fileDiffView(repo: string, path: string, base: FileDiffSide, head: FileDiffSide, diff: FileDiff): SafeHtml {
  const side = (s: FileDiffSide) =>
    s.size === null ? html`<span class="muted">absent at ${s.ref}</span>` : html`<a href="${urls.files(repo, s.ref, path)}">${s.ref}</a> (${formatBytes(s.size)})`;
  let body: SafeHtml;
  switch (diff.kind) {
    case 'patch':
      body = html`<table class="diff"><tbody>${hunkRows(diff.patch)}</tbody></table>`;
      break;
    case 'same':
      body = html`<p class="empty">No difference.</p>`;
      break;
    case 'binary':
      body = html`<p class="empty">Binary file: no line diff.</p>`;
      break;
    case 'too-large':
      body = html`<p class="empty">A side is larger than ${formatBytes(diff.cap)}: no line diff here; download both sides to compare.</p>`;
      break;
    case 'too-different':
      body = html`<p class="empty">The two sides differ in too many lines to show a line diff.</p>`;
      break;
  }
  return html`<h1>Diff of <span class="mono">${path}</span></h1>
<p>From ${side(base)} to ${side(head)} · <a href="${urls.compare(repo, base.ref, head.ref)}">all changes</a></p>
${body}`;
}
