// Pipeline pages: the list (state, inputs, last job), one pipeline (spec,
// what is not applied, its jobs), one job (inputs and output with
// provenance links, counters, datums paged) and one datum (inputs, outputs,
// log). Every name, path and log byte is escaped by the html tag.
import type { PipelineInfo } from '../../../src/pps/pps.ts';
import type { DatumPageEntry } from '../../../src/pps/datum-page.ts';
import type { DatumRecord, JobRecord } from '../../../src/pps/records.ts';
import { formatBytes, formatTime, shortId } from '../format.ts';
import { html, type SafeHtml } from '../html.ts';
import { urls } from '../urls.ts';

const badge = (state: string): SafeHtml => html`<span class="badge ${state}">${state}</span>`;

const counts = (j: JobRecord): SafeHtml =>
  html`<span title="processed / skipped / failed / recovered of total">${j.counts.processed} processed, ${j.counts.skipped} skipped, ${j.counts.failed} failed, ${j.counts.recovered} recovered of ${j.counts.total}</span>`;

function inputLinks(inputs: { repo: string; commit: string; name?: string }[]): SafeHtml[] {
  return inputs.map((i) =>
    i.commit ? html`<a class="mono" href="${urls.commit(i.repo, i.commit)}">${i.repo}@${shortId(i.commit)}</a> ` : html`<span class="muted">${i.repo} (no commit)</span> `,
  );
}

function outputLink(pipeline: string, j: JobRecord): SafeHtml {
  if (!j.outputCommit) return html`<span class="muted">none</span>`;
  return html`<a class="mono" href="${urls.commit(pipeline, j.outputCommit)}">${pipeline}@${shortId(j.outputCommit)}</a>`;
}

export function pipelineListView(list: PipelineInfo[]): SafeHtml {
  if (list.length === 0) return html`<h1>Pipelines</h1><p class="empty">No pipelines yet. Create one with <code>strata pipeline create -f spec.json</code>.</p>`;
  const rows = list.map((p) => {
    const inputs = [...new Set(p.lastJob?.inputs.map((i) => i.repo) ?? [])];
    return html`<tr>
<td><a href="${urls.pipeline(p.record.name)}">${p.record.name}</a></td>
<td>${badge(p.record.state)}</td>
<td class="num">${p.record.version}</td>
<td>${inputs.map((r) => html`<a href="${urls.repo(r)}">${r}</a> `)}</td>
<td><a href="${urls.repo(p.record.name)}">${p.record.name}</a></td>
<td>${p.lastJob ? html`<a class="mono" href="${urls.job(p.record.name, p.lastJob.id)}">${shortId(p.lastJob.id)}</a> ${badge(p.lastJob.state)}` : html`<span class="muted">none</span>`}</td>
<td>${p.lastJob ? counts(p.lastJob) : ''}</td>
</tr>`;
  });
  return html`<h1>Pipelines</h1>
<table><thead><tr><th>Pipeline</th><th>State</th><th class="num">Spec</th><th>Inputs</th><th>Output repo</th><th>Last job</th><th>Datums</th></tr></thead>
<tbody>${rows}</tbody></table>`;
}

export function jobRows(pipeline: string, jobs: JobRecord[]): SafeHtml {
  if (jobs.length === 0) return html`<p class="empty">No jobs yet.</p>`;
  const rows = jobs.map(
    (j) => html`<tr>
<td><a class="mono" href="${urls.job(pipeline, j.id)}">${shortId(j.id)}</a></td>
<td>${badge(j.state)}</td>
<td>${counts(j)}</td>
<td>${inputLinks(j.inputs)}</td>
<td>${outputLink(pipeline, j)}</td>
<td class="muted">${formatTime(j.createdAt)}</td>
<td class="muted">${formatTime(j.finishedAt)}</td>
</tr>`,
  );
  return html`<table><thead><tr><th>Job</th><th>State</th><th>Datums</th><th>Input commits</th><th>Output commit</th><th>Created</th><th>Finished</th></tr></thead>
<tbody>${rows}</tbody></table>`;
}

export function pipelineView(p: PipelineInfo, jobs: JobRecord[], moreJobs: number): SafeHtml {
  const r = p.record;
  return html`<h1>Pipeline ${r.name}</h1>
<dl class="meta">
<dt>State</dt><dd>${badge(r.state)}</dd>
<dt>Spec version</dt><dd>${r.version}</dd>
<dt>Output repo</dt><dd><a href="${urls.repo(r.name)}">${r.name}</a> (branch ${p.spec.outputBranch})</dd>
<dt>Command</dt><dd class="mono">${p.spec.transform.cmd.join(' ')}</dd>
<dt>Parallelism</dt><dd>${p.spec.parallelism}</dd>
<dt>Executor</dt><dd>${p.executor}</dd>
<dt>Not applied</dt><dd>${p.notApplied.length ? p.notApplied.map((n) => html`<div><code>${n.field}</code>: ${n.reason}</div>`) : html`<span class="muted">nothing</span>`}</dd>
<dt>Created</dt><dd>${formatTime(r.createdAt)}</dd>
<dt>Updated</dt><dd>${formatTime(r.updatedAt)}</dd>
</dl>
<h2>Jobs</h2>
${jobRows(r.name, jobs)}
${moreJobs > 0 ? html`<p class="muted">${moreJobs} older jobs not shown (<code>strata job list -p ${r.name}</code> lists them all).</p>` : ''}
<h2>Spec</h2>
<pre class="text">${p.json}</pre>`;
}

function datumInputs(d: DatumRecord): SafeHtml[] {
  return d.inputs.map((i) => html`<div class="mono">${i.name}: ${i.commit ? html`<a href="${urls.files(i.repo, i.commit, i.path)}">${i.repo}@${shortId(i.commit)}:${i.path}</a>` : html`${i.repo}:${i.path}`}</div>`);
}

export interface DatumPage {
  entries: DatumPageEntry[];
  /** Position of the first row (null: not known, the page was reached by a hand-made cursor). */
  first: number | null;
  nextHref: string | null;
  /** The first page's link, on later pages. */
  firstHref: string | null;
}

export function jobView(j: JobRecord, page: DatumPage): SafeHtml {
  const p = j.pipeline;
  const rows = page.entries.map(
    ({ datum: d, batch }) => html`<tr>
<td><a class="mono" href="${urls.datum(p, j.id, d.id, batch)}">${shortId(d.id)}</a></td>
<td>${badge(d.state)}${d.fromJob ? html` <span class="muted">from <a class="mono" href="${urls.job(p, d.fromJob)}">${shortId(d.fromJob)}</a></span>` : ''}</td>
<td>${datumInputs(d)}</td>
<td class="num">${d.outputs.length}</td>
<td class="num">${d.tries}</td>
<td>${d.reason}</td>
</tr>`,
  );
  const n = (x: number): string => x.toLocaleString('en-US');
  const range = page.first === null ? `${n(page.entries.length)} datums` : `Datums ${n(page.first)}–${n(page.first + page.entries.length - 1)}`;
  const pager = html`<div class="pager">
${page.firstHref ? html`<a href="${page.firstHref}">First page</a>` : ''}
${page.entries.length ? html`<span class="muted">${range} of ${n(j.counts.total)}</span>` : ''}
${page.nextHref ? html`<a class="button" rel="next" href="${page.nextHref}">More datums</a>` : ''}
</div>`;
  return html`<h1>Job <span class="mono">${j.id}</span></h1>
<dl class="meta">
<dt>Pipeline</dt><dd><a href="${urls.pipeline(p)}">${p}</a> (spec version ${j.specVersion})</dd>
<dt>State</dt><dd>${badge(j.state)}${j.reason ? html` ${j.reason}` : ''}</dd>
<dt>Datums</dt><dd>${counts(j)}</dd>
<dt>Input commits</dt><dd>${inputLinks(j.inputs)}</dd>
<dt>Output commit</dt><dd>${outputLink(p, j)}${j.outputCommit && j.state === 'success' ? html` · <a href="${urls.provenance(p, j.outputCommit)}">provenance graph</a> · <a href="${urls.files(p, j.outputCommit)}">files</a>` : ''}</dd>
<dt>Created</dt><dd>${formatTime(j.createdAt)}</dd>
<dt>Started</dt><dd>${formatTime(j.startedAt)}</dd>
<dt>Finished</dt><dd>${formatTime(j.finishedAt)}</dd>
</dl>
<h2>Datums (${n(j.counts.total)})</h2>
<p class="muted">Processed datums (succeeded, failed, recovered) first, by id; then the skipped ones.</p>
${page.entries.length === 0 ? html`<p class="empty">${page.firstHref ? 'No more datums.' : 'No datums recorded.'}</p>` : html`<table><thead><tr><th>Datum</th><th>State</th><th>Inputs</th><th class="num">Outputs</th><th class="num">Tries</th><th>Reason</th></tr></thead><tbody>${rows}</tbody></table>`}
${pager}`;
}

export function datumView(j: JobRecord, d: DatumRecord, log: string | undefined): SafeHtml {
  const p = j.pipeline;
  const outRef = d.state === 'success' || d.state === 'skipped' ? (j.state === 'success' ? j.outputCommit : null) : null;
  const outputs = d.outputs.map(
    (o) => html`<tr><td class="mono">${outRef ? html`<a href="${urls.files(p, outRef, o.path)}">${o.path}</a>` : o.path}</td><td class="num">${formatBytes(o.size)}</td><td class="mono muted">${shortId(o.hash)}</td></tr>`,
  );
  return html`<h1>Datum <span class="mono">${d.id}</span></h1>
<dl class="meta">
<dt>Job</dt><dd><a class="mono" href="${urls.job(p, j.id)}">${p}@${shortId(j.id)}</a></dd>
<dt>State</dt><dd>${badge(d.state)}${d.reason ? html` ${d.reason}` : ''}</dd>
<dt>Processed in</dt><dd>${d.fromJob ? html`<a class="mono" href="${urls.job(p, d.fromJob)}">${shortId(d.fromJob)}</a> (skipped here: unchanged)` : 'this job'}</dd>
<dt>Tries</dt><dd>${d.tries}</dd>
<dt>Inputs</dt><dd>${datumInputs(d)}</dd>
<dt>Started</dt><dd>${formatTime(d.startedAt)}</dd>
<dt>Finished</dt><dd>${formatTime(d.finishedAt)}</dd>
</dl>
<h2>Outputs</h2>
${outputs.length ? html`<table><thead><tr><th>Path</th><th class="num">Size</th><th>Hash</th></tr></thead><tbody>${outputs}</tbody></table>` : html`<p class="empty">No outputs.</p>`}
<h2>Log</h2>
${log === undefined ? html`<p class="empty">No log stored${d.fromJob ? html` here; see the datum in job <a class="mono" href="${urls.datum(p, d.fromJob, d.id)}">${shortId(d.fromJob)}</a>` : ''}.</p>` : html`<pre class="text log" id="datum-log">${log}</pre>`}`;
}
