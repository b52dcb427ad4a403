// Pages about repos: the list (with create), one repo's overview (branches,
// create branch) and the delete confirmation.
import { html, type SafeHtml } from '../html.ts';
import { formatBytes, formatTime, plural, shortId } from '../format.ts';
import { urls } from '../urls.ts';

export interface CommitSummary {
  id: string;
  time: number | null;
  description: string;
  open: boolean;
}

export interface RepoRow {
  name: string;
  description: string;
  size: number;
  branches: number;
  defaultBranch: string | null;
  last: CommitSummary | null;
}

export function commitCell(repo: string, c: CommitSummary | null): SafeHtml {
  if (!c) return html`<span class="muted">no commits</span>`;
  return html`<a class="mono" href="${urls.commit(repo, c.id)}">${shortId(c.id)}</a>
${c.open ? html` <span class="badge open">open</span>` : ''} <span class="muted">${formatTime(c.time)}</span>
${c.description ? html`<div>${c.description}</div>` : ''}`;
}

export function repoListView(repos: RepoRow[], canWrite: boolean): SafeHtml {
  const rows = repos.map(
    (r) => html`<tr>
<td><a href="${urls.repo(r.name)}"><strong>${r.name}</strong></a>${r.description ? html`<div class="muted">${r.description}</div>` : ''}</td>
<td class="num">${formatBytes(r.size)}</td>
<td class="num">${r.branches}</td>
<td>${commitCell(r.name, r.last)}</td>
</tr>`,
  );
  const create = canWrite
    ? html`<form class="inline" method="post" action="${urls.createRepo()}">
<label>Name<input type="text" name="name" required maxlength="63" placeholder="images"></label>
<label>Description<input type="text" name="description" placeholder="optional"></label>
<button class="primary" type="submit">Create repo</button>
</form>`
    : '';
  const table = repos.length
    ? html`<table><thead><tr><th>Repo</th><th class="num">Size</th><th class="num">Branches</th><th>Last commit</th></tr></thead><tbody>${rows}</tbody></table>`
    : html`<p class="empty">No repos yet.${canWrite ? ' Create one above, or with "strata repo create NAME".' : ''}</p>`;
  return html`<h1>Repos <span class="muted">(${repos.length})</span></h1>${create}${table}`;
}

export interface BranchRow {
  name: string;
  head: CommitSummary | null;
  provenance: string[];
}

export function repoView(repo: RepoRow & { createdAt: number }, branches: BranchRow[], canWrite: boolean, canDelete: boolean): SafeHtml {
  const main = repo.defaultBranch;
  // The form starts filled with the default branch (what most new branches start from), so what
  // it does is what it shows; emptied, the branch starts with no head, as `strata branch create` does.
  const fromDefault = main !== null && branches.some((b) => b.name === main && b.head) ? main : null;
  const rows = branches.map(
    (b) => html`<tr>
<td><a href="${urls.files(repo.name, b.name)}"><strong>${b.name}</strong></a>${b.name === main ? html` <span class="badge">default</span>` : ''}</td>
<td>${commitCell(repo.name, b.head)}</td>
<td>${b.provenance.length ? b.provenance.join(', ') : html`<span class="muted">none</span>`}</td>
<td><div class="actions">${b.head ? html`<a href="${urls.log(repo.name, b.name)}">Log</a> <a href="${urls.files(repo.name, b.name)}">Files</a>` : ''}
${canWrite ? html`<a class="button danger" href="${urls.deleteBranch(repo.name, b.name)}">Delete</a>` : ''}</div></td>
</tr>`,
  );
  const create = canWrite
    ? html`<form class="inline" method="post" action="${urls.createBranch(repo.name)}">
<label>New branch<input type="text" name="name" required maxlength="63" placeholder="dev"></label>
<label>From (branch or commit; empty: no commits yet)<input type="text" name="from" value="${fromDefault ?? ''}" placeholder="empty: no commits yet"></label>
<button class="primary" type="submit">Create branch</button>
</form>`
    : '';
  return html`<h1>${repo.name}</h1>
${repo.description ? html`<p>${repo.description}</p>` : ''}
<dl class="meta">
<dt>Size</dt><dd>${formatBytes(repo.size)} <span class="muted">(head of ${main ?? 'the default branch'})</span></dd>
<dt>Created</dt><dd>${formatTime(repo.createdAt)}</dd>
</dl>
<div class="actions">
${main ? html`<a class="button" href="${urls.files(repo.name, main)}">Browse files</a> <a class="button" href="${urls.log(repo.name, main)}">Commit log</a>` : ''}
<a class="button" href="${urls.compare(repo.name)}">Compare</a>
${canDelete ? html`<a class="button danger" href="${urls.deleteRepo(repo.name)}">Delete repo</a>` : ''}
</div>
<h2>Branches <span class="muted">(${plural(branches.length, 'branch', 'branches')})</span></h2>
${branches.length ? html`<table><thead><tr><th>Branch</th><th>Head</th><th>Provenance</th><th></th></tr></thead><tbody>${rows}</tbody></table>` : html`<p class="empty">No branches yet: put a file ("strata put ${repo.name}@main:/file ./file") or create one.</p>`}
${create}`;
}

export function confirmDeleteView(what: { kind: 'repo' | 'branch'; repo: string; branch?: string; action: string; back: string }): SafeHtml {
  const name = what.kind === 'repo' ? what.repo : `${what.repo}@${what.branch}`;
  const consequence =
    what.kind === 'repo'
      ? 'Its branches and commits are removed; garbage collection later reclaims the bytes no other repo shares. This cannot be undone.'
      : 'Only the name goes: its commits stay reachable by id (and from other branches) until garbage collected.';
  return html`<h1>Delete ${what.kind} ${name}?</h1>
<p>${consequence}</p>
<form class="inline" method="post" action="${what.action}">
<label>Type <strong class="mono">${what.kind === 'repo' ? what.repo : what.branch}</strong> to confirm<input type="text" name="confirm" required autocomplete="off"></label>
${what.kind === 'repo' ? html`<label><span><input type="checkbox" name="force" value="1"> even if other repos' branches depend on it</span></label>` : ''}
<button class="danger" type="submit">Delete ${what.kind}</button>
<a href="${what.back}">Cancel</a>
</form>`;
}
