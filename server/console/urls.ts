// Every console URL is built here, so routes and links cannot drift apart.
// Each path segment is percent-encoded: names and paths may hold any
// character a file name can, and the URL must name exactly that file.
import type { FilePath } from '../../src/ids.ts';

const enc = encodeURIComponent;

/** `/a/b c` -> `/a/b%20c` (the root stays `/`). */
export function encodePath(path: string): string {
  return path.split('/').map(enc).join('/');
}

function query(params: Record<string, string | number | undefined | null>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') q.set(k, String(v));
  const s = q.toString();
  return s ? `?${s}` : '';
}

export const urls = {
  home: () => '/',
  asset: (name: string) => `/-/assets/${enc(name)}`,
  createRepo: () => '/repos',
  repo: (repo: string) => `/repos/${enc(repo)}`,
  deleteRepo: (repo: string) => `/repos/${enc(repo)}/delete`,
  createBranch: (repo: string) => `/repos/${enc(repo)}/branches`,
  deleteBranch: (repo: string, branch: string) => `/repos/${enc(repo)}/branches/${enc(branch)}/delete`,
  log: (repo: string, ref: string, from?: string) => `/repos/${enc(repo)}/log/${enc(ref)}${query({ from })}`,
  commit: (repo: string, id: string, after?: string) => `/repos/${enc(repo)}/commits/${enc(id)}${query({ after })}`,
  /** `page`: resume a directory listing after a name; `at` is the first entry's position, for display only. */
  files: (repo: string, ref: string, path: FilePath | string = '/', page?: { after: string; at?: number }) =>
    `/repos/${enc(repo)}/files/${enc(ref)}${encodePath(path)}${query({ after: page?.after, at: page?.at })}`,
  raw: (repo: string, ref: string, path: string, inline = false) =>
    `/repos/${enc(repo)}/raw/${enc(ref)}${encodePath(path)}${query({ inline: inline ? 1 : undefined })}`,
  history: (repo: string, ref: string, path: string, from?: string) => `/repos/${enc(repo)}/history/${enc(ref)}${encodePath(path)}${query({ from })}`,
  compare: (repo: string, base?: string, head?: string, after?: string) => `/repos/${enc(repo)}/compare${query({ base, head, after })}`,
  fileDiff: (repo: string, base: string, head: string, path: string) => `/repos/${enc(repo)}/compare/file${query({ base, head, path })}`,
  provenance: (repo: string, id: string) => `/repos/${enc(repo)}/commits/${enc(id)}/provenance`,
  login: () => '/login',
  logout: () => '/logout',
  pipelines: () => '/pipelines',
  pipeline: (name: string) => `/pipelines/${enc(name)}`,
  /** `page`: resume the datum list at a page cursor (src/pps/datum-page.ts); `at` is the first row's position, for display only. */
  job: (pipeline: string, job: string, page?: { after: string; at?: number }) => `/pipelines/${enc(pipeline)}/jobs/${enc(job)}${query({ after: page?.after, at: page?.at })}`,
  /** `batch`: the stored batch of a skipped datum, so the page finds it without a scan. */
  datum: (pipeline: string, job: string, datum: string, batch?: string) => `/pipelines/${enc(pipeline)}/jobs/${enc(job)}/datums/${enc(datum)}${query({ batch })}`,
};
