// The file browser: a directory page (one page of entries, resumable after a
// name), a file page (metadata, preview, download, history), and a path's
// history.
import type { CommitInfo, FileInfo } from '../../../src/pfs/types.ts';
import { baseName, formatBytes, formatTime, shortId } from '../format.ts';
import { html, type Html, type SafeHtml } from '../html.ts';
import { urls } from '../urls.ts';

export interface Where {
  repo: string;
  /** The ref as the user wrote it (a branch stays a branch in links). */
  ref: string;
  commit: CommitInfo;
}

export function pathCrumbs(w: Where, path: string): { label: string; href?: string }[] {
  const parts = path === '/' ? [] : path.slice(1).split('/');
  const crumbs: { label: string; href?: string }[] = [
    { label: 'Repos', href: urls.home() },
    { label: w.repo, href: urls.repo(w.repo) },
    { label: `@${w.ref}`, href: urls.files(w.repo, w.ref) },
  ];
  parts.forEach((p, i) => crumbs.push({ label: p, href: i === parts.length - 1 ? undefined : urls.files(w.repo, w.ref, `/${parts.slice(0, i + 1).join('/')}`) }));
  return crumbs;
}

function atCommit(w: Where): SafeHtml {
  const c = w.commit;
  return html`<p class="muted">At commit <a class="mono" href="${urls.commit(w.repo, c.id)}">${shortId(c.id)}</a>${c.description ? html` — ${c.description}` : ''} · ${formatTime(c.finishedAt ?? c.startedAt)}${c.state === 'open' ? html` <span class="badge open">open</span>` : ''}</p>`;
}

export function dirView(w: Where, dir: string, entries: FileInfo[], page: { after: string | undefined; next: string | null; first: number | null }): SafeHtml {
  const rows = entries.map((e) => {
    const name = baseName(e.path);
    return e.type === 'dir'
      ? html`<tr><td><a class="entry-dir" href="${urls.files(w.repo, w.ref, e.path)}">${name}/</a></td><td class="num"></td><td></td></tr>`
      : html`<tr><td><a href="${urls.files(w.repo, w.ref, e.path)}">${name}</a></td><td class="num">${formatBytes(e.size)}</td><td class="mono muted">${e.hash?.slice(0, 12)}</td></tr>`;
  });
  const n = (x: number): string => x.toLocaleString('en-US');
  const range = !entries.length ? 'No more entries' : page.first === null ? `${n(entries.length)} entries` : `Entries ${n(page.first)}–${n(page.first + entries.length - 1)}`;
  const next = page.next ? urls.files(w.repo, w.ref, dir, { after: page.next, at: page.first === null ? undefined : page.first + entries.length }) : null;
  const pager = html`<div class="pager" id="pager">
${page.after !== undefined ? html`<a href="${urls.files(w.repo, w.ref, dir)}">First page</a>` : ''}
<span class="muted">${range}${page.after !== undefined ? html` (after <span class="mono">${page.after}</span>)` : ''}</span>
${next ? html`<a class="button" rel="next" href="${next}">Next page</a>
<a class="button" href="${next}" hx-get="${next}" hx-target="#entries" hx-select="#entries > tr" hx-swap="beforeend" hx-select-oob="#pager">Load more here</a>` : ''}
</div>`;
  const jump = html`<form class="inline" method="get" action="${urls.files(w.repo, w.ref, dir)}">
<label>Start listing after the name<input type="text" name="after" value="${page.after ?? ''}" placeholder="file-0500"></label><button type="submit">Go</button></form>`;
  return html`<h1>${w.repo}@${w.ref}:${dir}</h1>
${atCommit(w)}
<div class="actions"><a href="${urls.log(w.repo, w.ref)}">Commit log</a></div>
${entries.length || page.after !== undefined
    ? html`<table><thead><tr><th>Name</th><th class="num">Size</th><th>Hash</th></tr></thead><tbody id="entries">${rows}</tbody></table>${pager}${jump}`
    : html`<p class="empty">This directory is empty.</p>`}`;
}

export function fileView(w: Where, f: FileInfo, preview: Html): SafeHtml {
  return html`<h1>${baseName(f.path)}</h1>
${atCommit(w)}
<dl class="meta">
<dt>Path</dt><dd class="mono">${f.path}</dd>
<dt>Size</dt><dd>${formatBytes(f.size)} <span class="muted">(${(f.size ?? 0).toLocaleString('en-US')} bytes)</span></dd>
<dt>Hash</dt><dd class="mono">${f.hash}</dd>
<dt>Chunks</dt><dd>${f.chunks?.length ?? 0}</dd>
</dl>
<div class="actions">
<a class="button" href="${urls.raw(w.repo, w.ref, f.path)}" download="${baseName(f.path)}">Download</a>
<a class="button" href="${urls.history(w.repo, w.ref, f.path)}">History</a>
${w.commit.parent ? html`<a class="button" href="${urls.fileDiff(w.repo, w.commit.parent, w.commit.id, f.path)}">Diff with parent commit</a>` : ''}
</div>
<div class="preview">${preview}</div>`;
}

export interface HistoryRow {
  commit: CommitInfo;
  change: 'added' | 'modified' | 'deleted';
  size: number | null;
}

export function historyView(w: Where, path: string, rows: HistoryRow[], next: string | null, scanned: number): SafeHtml {
  const body = rows.map(
    (r) => html`<tr>
<td><a class="mono" href="${urls.commit(w.repo, r.commit.id)}">${shortId(r.commit.id)}</a></td>
<td><span class="badge ${r.change}">${r.change}</span></td>
<td>${r.commit.description || html`<span class="muted">(no description)</span>`}</td>
<td class="num">${r.size === null ? '' : formatBytes(r.size)}</td>
<td class="muted">${formatTime(r.commit.finishedAt ?? r.commit.startedAt)}</td>
<td>${r.change === 'deleted' ? '' : html`<a href="${urls.files(w.repo, r.commit.id, path)}">View</a>`}
${r.change === 'modified' && r.commit.parent ? html` <a href="${urls.fileDiff(w.repo, r.commit.parent, r.commit.id, path)}">Diff</a>` : ''}</td>
</tr>`,
  );
  return html`<h1>History of ${path}</h1>
<p class="muted">Commits of ${w.repo}@${w.ref} that changed this path, newest first (${scanned.toLocaleString('en-US')} commits looked at on this page).</p>
${rows.length ? html`<table><thead><tr><th>Commit</th><th>Change</th><th>Description</th><th class="num">Size</th><th>Time</th><th></th></tr></thead><tbody>${body}</tbody></table>` : html`<p class="empty">No change to this path in these commits.</p>`}
<div class="pager">${next ? html`<a class="button" rel="next" href="${urls.history(w.repo, w.ref, path, next)}">Older commits</a>` : html`<span class="muted">End of history.</span>`}</div>`;
}
