// Markdown previews with markdown-it: raw HTML in the source is escaped (html
// off), links with script-running schemes are refused by its validateLink,
// and relative links and images are pointed at the same repo and ref, so a
// README's pictures show and its links browse.
import MarkdownIt from 'markdown-it';
import { posix } from 'node:path';
import { trusted, type SafeHtml } from '../html.ts';
import { urls } from '../urls.ts';

const md = new MarkdownIt({ html: false, linkify: false, typographer: false });
type Token = ReturnType<typeof md.parse>[number];

function isRelative(href: string): boolean {
  return !/^[a-z][a-z0-9+.-]*:/i.test(href) && !href.startsWith('//') && !href.startsWith('#');
}

function resolveFrom(dir: string, href: string): string {
  const bare = href.split(/[?#]/)[0]!;
  return posix.normalize(posix.join(bare.startsWith('/') ? '/' : dir, decodeURIComponentSafe(bare)));
}

function decodeURIComponentSafe(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

export function renderMarkdown(source: string, at: { repo: string; ref: string; path: string }): SafeHtml {
  const dir = posix.dirname(at.path);
  const env = {};
  const tokens = md.parse(source, env);
  const rewrite = (t: Token, attr: string, to: (p: string) => string): void => {
    const v = t.attrGet(attr);
    if (typeof v === 'string' && v && isRelative(v)) t.attrSet(attr, to(resolveFrom(dir, v)));
  };
  const walk = (list: Token[]): void => {
    for (const t of list) {
      if (t.type === 'image') rewrite(t, 'src', (p) => urls.raw(at.repo, at.ref, p, true));
      if (t.type === 'link_open') rewrite(t, 'href', (p) => urls.files(at.repo, at.ref, p));
      if (t.children) walk(t.children);
    }
  };
  walk(tokens);
  return trusted(md.renderer.render(tokens, md.options, env));
}
