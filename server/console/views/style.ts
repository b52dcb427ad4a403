// The console's stylesheet, kept in a module so it ships with the code
// whatever the build copies. Plain CSS, no framework: readable tables, a
// quiet header, monospace for ids and paths.
export const CONSOLE_CSS = `
:root { --fg:#1f2328; --muted:#656d76; --line:#d0d7de; --bg:#fff; --soft:#f6f8fa; --accent:#0969da; --danger:#cf222e; --ok:#1a7f37; }
* { box-sizing: border-box; }
body { margin:0; font:14px/1.5 system-ui, -apple-system, "Segoe UI", "DejaVu Sans", sans-serif; color:var(--fg); background:var(--bg); }
a { color:var(--accent); text-decoration:none; }
a:hover { text-decoration:underline; }
header.top { display:flex; align-items:center; gap:24px; padding:10px 24px; background:#24292f; }
header.top a { color:#fff; }
header.top .brand { font-weight:700; font-size:16px; letter-spacing:.5px; }
header.top .sections { display:flex; gap:16px; flex:1; }
header.top .viewer { color:#d0d7de; }
header.top form.logout { display:inline; margin-left:8px; }
header.top form.logout button { font-size:12px; padding:2px 8px; }
main { max-width:1200px; margin:0 auto; padding:16px 24px 48px; }
h1 { font-size:22px; margin:8px 0 16px; font-weight:600; word-break:break-all; }
h2 { font-size:16px; margin:24px 0 8px; font-weight:600; }
.crumbs { color:var(--muted); margin:4px 0 8px; word-break:break-all; }
.crumbs .sep { margin:0 6px; }
table { width:100%; border-collapse:collapse; margin:8px 0; }
th, td { text-align:left; padding:6px 10px; border-bottom:1px solid var(--line); vertical-align:top; }
th { background:var(--soft); font-weight:600; color:var(--muted); font-size:12px; text-transform:uppercase; letter-spacing:.3px; }
td.num, th.num { text-align:right; white-space:nowrap; }
tbody tr:hover { background:#f9fafb; }
code, .mono, pre { font-family: ui-monospace, "SFMono-Regular", "DejaVu Sans Mono", Menlo, monospace; font-size:13px; }
.muted { color:var(--muted); }
.empty { color:var(--muted); padding:16px; border:1px dashed var(--line); border-radius:6px; text-align:center; }
.badge { display:inline-block; padding:0 8px; border-radius:10px; font-size:12px; background:var(--soft); border:1px solid var(--line); color:var(--muted); }
.badge.added { color:var(--ok); border-color:#aceebb; background:#dafbe1; }
.badge.deleted { color:var(--danger); border-color:#ffcecb; background:#ffebe9; }
.badge.modified { color:#9a6700; border-color:#f5e0a3; background:#fff8c5; }
.badge.open { color:#9a6700; }
.badge.success, .badge.running { color:var(--ok); border-color:#aceebb; background:#dafbe1; }
.badge.failure, .badge.failed, .badge.killed, .badge.unrunnable { color:var(--danger); border-color:#ffcecb; background:#ffebe9; }
.badge.recovered, .badge.paused, .badge.starting, .badge.finishing, .badge.created { color:#9a6700; border-color:#f5e0a3; background:#fff8c5; }
pre.log { max-height:60vh; overflow:auto; }
dl.meta { display:grid; grid-template-columns:max-content 1fr; gap:4px 16px; margin:8px 0 16px; }
dl.meta dt { color:var(--muted); }
dl.meta dd { margin:0; word-break:break-all; }
form.inline { display:flex; flex-wrap:wrap; gap:8px; align-items:end; margin:8px 0 16px; padding:12px; background:var(--soft); border:1px solid var(--line); border-radius:6px; }
form.inline label { display:flex; flex-direction:column; gap:2px; font-size:12px; color:var(--muted); }
input[type=text] { padding:5px 8px; border:1px solid var(--line); border-radius:6px; font:inherit; min-width:180px; }
button, .button { padding:5px 14px; border:1px solid var(--line); border-radius:6px; background:#f6f8fa; color:var(--fg); font:inherit; cursor:pointer; display:inline-block; }
button.primary { background:#1f883d; border-color:#1a7f37; color:#fff; }
button.danger, .button.danger { background:#fff; color:var(--danger); border-color:#ffcecb; }
button.danger:hover { background:var(--danger); color:#fff; }
.actions { display:flex; gap:8px; align-items:center; flex-wrap:wrap; margin:8px 0; }
.pager { display:flex; gap:12px; align-items:center; margin:12px 0; }
.error { border:1px solid #ffcecb; background:#ffebe9; border-radius:6px; padding:12px 16px; margin:12px 0; }
.error .code { color:var(--muted); font-size:12px; }
.notice { border:1px solid var(--line); background:var(--soft); border-radius:6px; padding:8px 12px; margin:8px 0; color:var(--muted); }
pre.text { background:var(--soft); border:1px solid var(--line); border-radius:6px; padding:12px; overflow:auto; max-height:70vh; white-space:pre; }
.markdown { border:1px solid var(--line); border-radius:6px; padding:8px 24px; }
.markdown pre { background:var(--soft); padding:8px; overflow:auto; }
.preview img { max-width:100%; max-height:70vh; border:1px solid var(--line); background:repeating-conic-gradient(#eee 0 25%, #fff 0 50%) 0 0/16px 16px; }
table.csv td { font-family: ui-monospace, "DejaVu Sans Mono", monospace; font-size:12px; white-space:pre; }
table.diff { font-family: ui-monospace, "DejaVu Sans Mono", monospace; font-size:12px; border:1px solid var(--line); }
table.diff td { border:0; padding:0 8px; white-space:pre-wrap; word-break:break-all; }
table.diff td.ln { color:var(--muted); text-align:right; width:1%; user-select:none; }
table.diff tr.add { background:#dafbe1; }
table.diff tr.del { background:#ffebe9; }
table.diff tr.hunk td { background:#ddf4ff; color:var(--muted); }
.scroll { overflow:auto; }
.graph { overflow:auto; border:1px solid var(--line); border-radius:6px; background:var(--soft); }
.graph svg text { font: 12px ui-monospace, "DejaVu Sans Mono", monospace; }
.graph .node rect { fill:#fff; stroke:#8c959f; }
.graph .node.self rect { fill:#ddf4ff; stroke:var(--accent); stroke-width:2; }
.graph .edge { stroke:#8c959f; fill:none; marker-end:url(#arrow); }
.entry-dir::before { content:"▸ "; color:var(--muted); }
`;
