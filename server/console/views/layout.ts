// The page frame every console page shares: header with navigation, the
// viewer (once auth exists), breadcrumbs, and the assets. Pages supply only
// their main content.
import { html, toHtmlString, type Html, type SafeHtml } from '../html.ts';
import { urls } from '../urls.ts';

/** A top-level section in the header; pipelines (issue 9) will add one. */
export interface NavSection {
  title: string;
  href: string;
}

/** Who is looking. Until auth (issue 12) exists everyone is anonymous and may write. */
export interface Viewer {
  name: string | null;
  canWrite: boolean;
  /** May delete the repo of the page (owner); default: canWrite. */
  canDelete?: boolean;
  /** Logged in through /login: the header offers Log out. */
  session?: boolean;
}

export interface PageChrome {
  sections: readonly NavSection[];
  viewer: Viewer;
}

export interface Crumb {
  label: string;
  href?: string;
}

export interface Page {
  title: string;
  crumbs?: Crumb[];
  body: Html;
}

function crumbs(list: Crumb[] | undefined): SafeHtml | '' {
  if (!list?.length) return '';
  const items = list.map((c, i) => html`${i > 0 ? html`<span class="sep">/</span>` : ''}${c.href ? html`<a href="${c.href}">${c.label}</a>` : html`<span>${c.label}</span>`}`);
  return html`<nav class="crumbs" aria-label="breadcrumbs">${items}</nav>`;
}

export function layout(chrome: PageChrome, page: Page): string {
  const nav = [{ title: 'Repos', href: urls.home() }, ...chrome.sections];
  const who = chrome.viewer.name
    ? html`<span class="viewer">${chrome.viewer.name}${chrome.viewer.canWrite ? '' : ' (read-only)'}</span>${chrome.viewer.session ? html`<form class="logout" method="post" action="${urls.logout()}"><button type="submit">Log out</button></form>` : ''}`
    : '';
  return `<!doctype html>${toHtmlString(html`<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="htmx-config" content='{"includeIndicatorStyles":false,"allowEval":false}'>
<title>${page.title} · Strata</title>
<link rel="icon" href="${urls.asset('favicon.svg')}" type="image/svg+xml">
<link rel="stylesheet" href="${urls.asset('console.css')}">
<script src="${urls.asset('htmx.min.js')}" defer></script>
</head>
<body>
<header class="top">
<a class="brand" href="${urls.home()}">Strata</a>
<nav class="sections">${nav.map((s) => html`<a href="${s.href}">${s.title}</a>`)}</nav>
${who}
</header>
<main>
${crumbs(page.crumbs)}
${page.body}
</main>
</body>
</html>`)}`;
}
