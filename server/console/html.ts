// Escaping HTML templates for the console. Every interpolated value is
// escaped unless it is already SafeHtml (made by this module), so user
// content (file names, descriptions, file bytes) is always shown, never run.
// Own code rather than a JSX runtime: ~40 lines, no build step, and the
// escaping rule is visible in one place.

const brand = Symbol('SafeHtml');

export interface SafeHtml {
  readonly [brand]: true;
  readonly html: string;
}

function safe(s: string): SafeHtml {
  return { [brand]: true, html: s };
}

export function isSafeHtml(v: unknown): v is SafeHtml {
  return typeof v === 'object' && v !== null && brand in v;
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes text for element content and quoted attribute values. */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}

/** A value a template may hold: text (escaped), numbers, SafeHtml, lists of these; null/undefined/false render nothing. */
export type Html = SafeHtml | string | number | boolean | null | undefined | readonly Html[];

function render(v: Html): string {
  if (v === null || v === undefined || v === false || v === true) return '';
  if (typeof v === 'string') return escapeHtml(v);
  if (typeof v === 'number') return String(v);
  if (Array.isArray(v)) return v.map(render).join('');
  return (v as SafeHtml).html;
}

/** The template tag: html`<p>${name}</p>` escapes `name`. */
export function html(strings: TemplateStringsArray, ...values: Html[]): SafeHtml {
  let out = strings[0]!;
  for (let i = 0; i < values.length; i++) out += render(values[i]!) + strings[i + 1]!;
  return safe(out);
}

/** Markup that is already HTML (from a sanitizing renderer such as markdown-it with html off). Never pass user text. */
export function trusted(markup: string): SafeHtml {
  return safe(markup);
}

export function toHtmlString(v: Html): string {
  return render(v);
}
