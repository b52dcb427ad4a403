// Commit pages: the log of a ref (paged), one commit (metadata, size,
// provenance, changes against its parent) and the change list shared with
// the compare page.
import type { CommitInfo, DiffEntry } from '../../../src/pfs/types.ts';
import { formatBytes, formatTime, plural, shortId } from '../format.ts';
import { html, type SafeHtml } from '../html.ts';
import { urls } from '../urls.ts';

export function logView(repo: string, ref: string, commits: CommitInfo[], next: string | null): SafeHtml {
  const rows = commits.map(
    (c) => html`<tr>
<td><a class="mono" href="${urls.commit(repo, c.id)}">${shortId(c.id)}</a>${c.state === 'open' ? html` <span class="badge open">open</span>` : ''}</td>
<td>${c.description || html`<span class="muted">(no description)</span>`}</td>
<td class="muted">${c.branch ?? ''}</td>
<td class="num">${formatBytes(c.size)}</td>
<td class="num">${c.fileCount.toLocaleString('en-US')}</td>
<td class="muted">${formatTime(c.finishedAt ?? c.startedAt)}</td>
<td><a href="${urls.files(repo, c.id)}">Files</a></td>
</tr>`,
  );
  return html`<h1>Commit log of ${repo}@${ref}</h1>
<table><thead><tr><th>Commit</th><th>Description</th><th>Branch</th><th class="num">Size</th><th class="num">Files</th><th>Time</th><th></th></tr></thead>
<tbody id="log-rows">${rows}</tbody></table>
<div class="pager">${next ? html`<a class="button" rel="next" href="${urls.log(repo, ref, next)}">Older commits</a>` : html`<span class="muted">End of history.</span>`}
<a href="${urls.log(repo, ref)}">Newest</a></div>`;
}

function commitLink(repo: string, id: string): SafeHtml {
  return html`<a class="mono" href="${urls.commit(repo, id)}">${shortId(id)}</a>`;
}

export interface ChangePage {
  entries: DiffEntry[];
  /** Path to continue after, when there are more. */
  next: string | null;
  nextHref: string | null;
}

export function changesTable(repo: string, base: string | null, head: string, page: ChangePage): SafeHtml {
  if (page.entries.length === 0) return html`<p class="empty">No changes.</p>`;
  const rows = page.entries.map((e) => {
    const view = e.type === 'deleted' ? (base ? urls.files(repo, base, e.path) : null) : urls.files(repo, head, e.path);
    const diff = e.type === 'modified' && base ? html`<a href="${urls.fileDiff(repo, base, head, e.path)}">line diff</a>` : '';
    return html`<tr>
<td><span class="badge ${e.type}">${e.type}</span></td>
<td class="mono">${view ? html`<a href="${view}">${e.path}</a>` : e.path}</td>
<td class="num">${formatBytes(e.oldSize)}</td>
<td class="num">${formatBytes(e.newSize)}</td>
<td>${diff}</td>
</tr>`;
  });
  return html`<table><thead><tr><th>Change</th><th>Path</th><th class="num">Old size</th><th class="num">New size</th><th></th></tr></thead><tbody>${rows}</tbody></table>
${page.nextHref ? html`<div class="pager"><a class="button" rel="next" href="${page.nextHref}">More changes</a></div>` : ''}`;
}

export function commitView(c: CommitInfo, subvenance: { repo: string; commit: string }[], changes: ChangePage): SafeHtml {
  const repo = c.repo;
  const meta = Object.entries(c.metadata);
  return html`<h1>Commit <span class="mono">${c.id}</span></h1>
<p>${c.description || html`<span class="muted">(no description)</span>`}</p>
<dl class="meta">
<dt>Repo</dt><dd><a href="${urls.repo(repo)}">${repo}</a></dd>
<dt>Branch</dt><dd>${c.branch ? html`<a href="${urls.log(repo, c.branch)}">${c.branch}</a>` : html`<span class="muted">none</span>`}</dd>
<dt>State</dt><dd>${c.state}${c.origin !== 'user' ? html` <span class="muted">(${c.origin})</span>` : ''}</dd>
<dt>Parent</dt><dd>${c.parent ? commitLink(repo, c.parent) : html`<span class="muted">none (first commit)</span>`}</dd>
<dt>Children</dt><dd>${c.children.length ? c.children.map((id) => html`${commitLink(repo, id)} `) : html`<span class="muted">none</span>`}</dd>
<dt>Started</dt><dd>${formatTime(c.startedAt)}</dd>
<dt>Finished</dt><dd>${c.finishedAt ? formatTime(c.finishedAt) : html`<span class="badge open">open</span>`}</dd>
<dt>Size</dt><dd>${formatBytes(c.size)} in ${plural(c.fileCount, 'file')}</dd>
<dt>Provenance</dt><dd>${c.provenance.length ? c.provenance.map((p) => html`<a class="mono" href="${urls.commit(p.repo, p.commit)}">${p.repo}@${shortId(p.commit)}</a> `) : html`<span class="muted">none</span>`}
${c.provenance.length || subvenance.length ? html` · <a href="${urls.provenance(repo, c.id)}">graph</a>` : ''}</dd>
<dt>Used by</dt><dd>${subvenance.length ? subvenance.map((p) => html`<a class="mono" href="${urls.commit(p.repo, p.commit)}">${p.repo}@${shortId(p.commit)}</a> `) : html`<span class="muted">none</span>`}</dd>
${meta.map(([k, v]) => html`<dt>${k}</dt><dd>${v}</dd>`)}
</dl>
<div class="actions"><a class="button" href="${urls.files(repo, c.id)}">Browse files</a>
${c.parent ? html`<a class="button" href="${urls.compare(repo, c.parent, c.id)}">Compare with parent</a>` : ''}
<a class="button" href="${urls.provenance(repo, c.id)}">Provenance graph</a></div>
<h2>Changes${c.parent ? html` against parent ${commitLink(repo, c.parent)}` : ' (first commit)'}</h2>
${changesTable(repo, c.parent, c.id, changes)}`;
}
