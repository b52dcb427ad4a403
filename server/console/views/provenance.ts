// The provenance graph as an SVG drawn on the server: one column per level
// (upstream left, the commit in the middle, downstream right), each node a
// link to its commit. Text goes through the escaping template like any
// other user content.
import { html, type SafeHtml } from '../html.ts';
import type { GraphNode, ProvenanceGraph } from '../provenance.ts';
import { urls } from '../urls.ts';

const NODE_W = 220;
const NODE_H = 44;
const COL_GAP = 70;
const ROW_GAP = 16;
const PAD = 16;

function cut(s: string, n: number): string {
  return s.length > n ? `${s.slice(0, n - 1)}…` : s;
}

export function layoutGraph(g: ProvenanceGraph): { pos: Map<string, { x: number; y: number }>; width: number; height: number } {
  const levels = [...new Set(g.nodes.map((n) => n.level))].sort((a, b) => a - b);
  const pos = new Map<string, { x: number; y: number }>();
  let rows = 1;
  levels.forEach((level, col) => {
    const column = g.nodes.filter((n) => n.level === level).sort((a, b) => (a.key < b.key ? -1 : 1));
    rows = Math.max(rows, column.length);
    column.forEach((n, row) => pos.set(n.key, { x: PAD + col * (NODE_W + COL_GAP), y: PAD + row * (NODE_H + ROW_GAP) }));
  });
  return { pos, width: PAD * 2 + levels.length * NODE_W + (levels.length - 1) * COL_GAP, height: PAD * 2 + rows * NODE_H + (rows - 1) * ROW_GAP };
}

function nodeSvg(n: GraphNode, p: { x: number; y: number }, self: boolean): SafeHtml {
  const sub = n.description || (n.branch ? `on ${n.branch}` : '');
  return html`<a href="${urls.commit(n.repo, n.id)}"><g class="node${self ? ' self' : ''}">
<title>${n.repo}@${n.id}${n.description ? `\n${n.description}` : ''}</title>
<rect x="${p.x}" y="${p.y}" width="${NODE_W}" height="${NODE_H}" rx="6"></rect>
<text x="${p.x + 10}" y="${p.y + 18}">${cut(`${n.repo}@${n.id.slice(0, 10)}`, 28)}</text>
<text x="${p.x + 10}" y="${p.y + 35}" fill="#656d76">${cut(sub, 28)}</text>
</g></a>`;
}

export function provenanceSvg(g: ProvenanceGraph): SafeHtml {
  const { pos, width, height } = layoutGraph(g);
  const edges = g.edges.map((e) => {
    const a = pos.get(e.from)!;
    const b = pos.get(e.to)!;
    const x1 = a.x + NODE_W;
    const y1 = a.y + NODE_H / 2;
    const x2 = b.x - 4;
    const y2 = b.y + NODE_H / 2;
    const mid = (x1 + x2) / 2;
    return html`<path class="edge" d="M${x1},${y1} C${mid},${y1} ${mid},${y2} ${x2},${y2}"></path>`;
  });
  return html`<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="provenance graph" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">
<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#8c959f"></path></marker></defs>
${edges}
${g.nodes.map((n) => nodeSvg(n, pos.get(n.key)!, n.key === g.self))}
</svg>`;
}

export function provenanceView(g: ProvenanceGraph): SafeHtml {
  const up = g.nodes.filter((n) => n.level < 0).length;
  const down = g.nodes.filter((n) => n.level > 0).length;
  return html`<h1>Provenance of <span class="mono">${g.self}</span></h1>
<p class="muted">Upstream commits (what it was made from) on the left, downstream commits (made from it) on the right: ${up} upstream, ${down} downstream.</p>
${g.truncated ? html`<p class="notice">The graph is cut at a few levels and nodes each way; open a node to follow it further.</p>` : ''}
${g.hidden > 0 ? html`<p class="notice">${g.hidden} related commit${g.hidden === 1 ? ' is' : 's are'} in repos you may not read and not shown.</p>` : ''}
${up + down === 0 ? html`<p class="empty">This commit has no provenance: nothing was recorded as its input, and no commit names it as input.</p>` : ''}
<div class="graph">${provenanceSvg(g)}</div>`;
}
