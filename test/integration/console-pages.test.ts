// The web console's pages rendered by fastify inject() over a real pfs
// (LevelDB and a local chunk store in a temp dir): escaping of user
// content, previews, paging, forms and their error pages, and the headers
// of downloads. The browser end to end is test/e2e/console-browser.test.ts.
import type { FastifyInstance } from 'fastify';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { escapeHtml, html, toHtmlString } from '../../server/console/html.ts';
import { createHttpApp } from '../../server/http.ts';
import type { Viewer } from '../../server/console/index.ts';
import { branch, createTestPfs, path, put, ref, repo, type TestPfs } from '../helpers/pfs.ts';
import { streamOf } from '../helpers/bytes.ts';

const XSS = '<img src=x onerror=alert(1)>.txt';
let t: TestPfs & { remove(): Promise<void> };
let app: FastifyInstance;
let readOnly: FastifyInstance;
const host = 'console.test';

function appFor(viewer?: Viewer): FastifyInstance {
  return createHttpApp({ registry: new Registry(), isReady: () => true, console: { pfs: t.pfs, viewer: viewer && (() => viewer) } });
}

async function get(url: string, a = app) {
  return a.inject({ method: 'GET', url, headers: { host } });
}

async function post(url: string, form: Record<string, string>, headers: Record<string, string> = {}, a = app) {
  return a.inject({ method: 'POST', url, headers: { host, origin: `http://${host}`, 'content-type': 'application/x-www-form-urlencoded', ...headers }, payload: new URLSearchParams(form).toString() });
}

beforeAll(async () => {
  t = await createTestPfs();
  const { pfs } = t;
  await pfs.createRepo(repo('data'), { description: 'the <b>raw</b> data' });
  await put(pfs, `data@main:/docs/${XSS}`, 'first <script>alert(2)</script>\n');
  await put(pfs, 'data@main:/docs/README.md', '# Hello\n\n<script>alert(3)</script> [bad](javascript:alert(4)) [sib](notes.txt) ![pic](img/cat.png)\n');
  await put(pfs, 'data@main:/table.csv', 'name,value\nalpha,1\n"<b>beta</b>",2\n');
  await put(pfs, 'data@main:/table.tsv', 'a\tb\n1\t2\n');
  await put(pfs, 'data@main:/obj.json', '{"a":[1,2],"b":"<i>x</i>"}');
  await put(pfs, 'data@main:/bin.dat', Buffer.from([0, 1, 2, 3, 0, 255]));
  await put(pfs, 'data@main:/img/cat.png', Buffer.from('89504e470d0a1a0a', 'hex'));
  await put(pfs, `data@main:/docs/${XSS}`, 'first <script>alert(2)</script>\nsecond line\n');
  const w = await pfs.openWriter(repo('data'), { branch: branch('main') });
  for (let i = 0; i < 250; i++) await w.put(path(`/many/f-${String(i).padStart(4, '0')}`), streamOf(Buffer.from(String(i))));
  await w.close();
  await pfs.createRepo(repo('derived'));
  const head = await pfs.inspectCommit(ref('data@main'));
  const c = await pfs.startCommit(repo('derived'), branch('main'), { description: 'made from data', provenance: [{ repo: repo('data'), commit: head.id }] });
  await pfs.putFile(repo('derived'), { commit: c.id }, path('/out.txt'), streamOf(Buffer.from('out')));
  await pfs.finishCommit(ref(`derived@${c.id}`));
  app = appFor();
  readOnly = appFor({ name: 'reader', canWrite: false });
});

afterAll(async () => {
  await app?.close();
  await readOnly?.close();
  await t?.remove();
});

describe('escaping template', () => {
  it('escapes interpolated text and keeps nested templates', () => {
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
    expect(toHtmlString(html`<p title="${'"><script>'}">${[html`<b>${'<i>'}</b>`, 1, null, false]}</p>`)).toBe('<p title="&quot;&gt;&lt;script&gt;"><b>&lt;i&gt;</b>1</p>');
  });
});

describe('pages', () => {
  it('lists repos with size, branches and last commit; descriptions are escaped', async () => {
    const res = await get('/');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/text\/html/);
    expect(res.headers['content-security-policy']).toMatch(/script-src 'self'/);
    expect(res.body).toContain('href="/repos/data"');
    expect(res.body).toContain('the &lt;b&gt;raw&lt;/b&gt; data');
    expect(res.body).not.toContain('<b>raw</b>');
  });

  it('shows a file named like an HTML tag as text, in listings and on its page', async () => {
    const dir = await get('/repos/data/files/main/docs');
    expect(dir.statusCode).toBe(200);
    expect(dir.body).toContain('&lt;img src=x onerror=alert(1)&gt;.txt');
    expect(dir.body).not.toContain('<img src=x');
    expect(dir.body).toContain(`/repos/data/files/main/docs/${encodeURIComponent(XSS)}`);
    const file = await get(`/repos/data/files/main/docs/${encodeURIComponent(XSS)}`);
    expect(file.statusCode).toBe(200);
    expect(file.body).toContain('first &lt;script&gt;alert(2)&lt;/script&gt;');
    expect(file.body).not.toMatch(/<script>alert/);
  });

  it('renders markdown without raw HTML or script links, with relative links kept in the repo', async () => {
    const res = await get('/repos/data/files/main/docs/README.md');
    expect(res.body).toContain('<h1>Hello</h1>');
    expect(res.body).toContain('&lt;script&gt;alert(3)&lt;/script&gt;');
    expect(res.body).not.toContain('href="javascript:');
    expect(res.body).toContain('href="/repos/data/files/main/docs/notes.txt"');
    expect(res.body).toContain('src="/repos/data/raw/main/docs/img/cat.png?inline=1"');
  });

  it('shows CSV and TSV as tables, JSON pretty-printed, binary as a download', async () => {
    const csv = await get('/repos/data/files/main/table.csv');
    expect(csv.body).toMatch(/<th>name<\/th><th>value<\/th>/);
    expect(csv.body).toContain('<td>&lt;b&gt;beta&lt;/b&gt;</td>');
    expect((await get('/repos/data/files/main/table.tsv')).body).toMatch(/<th>a<\/th><th>b<\/th>/);
    expect((await get('/repos/data/files/main/obj.json')).body).toContain('&quot;b&quot;: &quot;&lt;i&gt;x&lt;/i&gt;&quot;');
    expect((await get('/repos/data/files/main/bin.dat')).body).toContain('Binary file');
    expect((await get('/repos/data/files/main/img/cat.png')).body).toContain('<img alt="/img/cat.png" src="/repos/data/raw/main/img/cat.png?inline=1">');
  });

  it('pages a directory with the ranged listing', async () => {
    const first = await get('/repos/data/files/main/many');
    expect(first.body.match(/href="\/repos\/data\/files\/main\/many\/f-/g)).toHaveLength(100);
    expect(first.body).toContain('Entries 1–100');
    const next = /rel="next" href="([^"]+)"/.exec(first.body)![1]!.replace(/&amp;/g, '&');
    expect(next).toBe('/repos/data/files/main/many?after=f-0099&at=101');
    const third = await get('/repos/data/files/main/many?after=f-0199&at=201');
    expect(third.body).toContain('f-0249');
    expect(third.body).toContain('Entries 201–250');
    expect(third.body).not.toContain('rel="next"');
  });

  it('shows the log, a commit with its changes, and a path history', async () => {
    const log = await get('/repos/data/log/main');
    const ids = [...log.body.matchAll(/href="\/repos\/data\/commits\/([0-9a-f]{32})"/g)].map((m) => m[1]);
    expect(new Set(ids).size).toBe(9);
    const commit = await get(`/repos/data/commits/${ids[0]}`);
    expect(commit.statusCode).toBe(200);
    expect(commit.body).toContain('/many/f-0000');
    expect(commit.body).toContain('badge added');
    const hist = await get(`/repos/data/history/main/docs/${encodeURIComponent(XSS)}`);
    expect(hist.body.match(/badge (added|modified)/g)).toEqual(['badge modified', 'badge added']);
  });

  it('compares two refs and shows a line diff of a text file', async () => {
    const cmp = await get('/repos/data/compare?base=main~8&head=main~1');
    expect(cmp.statusCode).toBe(200);
    expect(cmp.body).toContain('>/table.csv</a>');
    expect(cmp.body).not.toContain('/many/');
    const big = await get('/repos/data/compare?base=main~8&head=main');
    expect(big.body.match(/<span class="badge (added|modified)">/g)).toHaveLength(200);
    const more = /rel="next" href="([^"]+)"/.exec(big.body)![1]!.replace(/&amp;/g, '&');
    const rest = await get(more);
    expect(rest.body).toContain('>/many/f-0249</a>');
    expect(rest.body).toContain('>/table.tsv</a>');
    const diff = await get(`/repos/data/compare/file?base=main.1&head=main&path=${encodeURIComponent(`/docs/${XSS}`)}`);
    expect(diff.statusCode).toBe(200);
    expect(diff.body).toMatch(/<tr class="add"><td class="ln"><\/td><td class="ln">2<\/td><td>\+second line<\/td><\/tr>/);
  });

  it('draws provenance as an SVG with links to both commits', async () => {
    const head = await t.pfs.inspectCommit(ref('derived@main'));
    const res = await get(`/repos/derived/commits/${head.id}/provenance`);
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('<svg');
    expect(res.body).toContain(`href="/repos/derived/commits/${head.id}"`);
    expect(res.body).toContain(`href="/repos/data/commits/${head.provenance[0]!.commit}"`);
    const up = await get(`/repos/data/commits/${head.provenance[0]!.commit}`);
    expect(up.body).toContain(`derived@${head.id.slice(0, 10)}`);
  });
});

describe('downloads', () => {
  it('streams a file as an attachment that cannot run in the page', async () => {
    const res = await get(`/repos/data/raw/main/docs/${encodeURIComponent(XSS)}`);
    expect(res.statusCode).toBe(200);
    expect(res.body).toBe('first <script>alert(2)</script>\nsecond line\n');
    expect(res.headers['content-type']).toBe('application/octet-stream');
    expect(res.headers['content-disposition']).toMatch(/^attachment; filename="[^"]*"; filename\*=UTF-8''%3Cimg%20src%3Dx/);
    expect(res.headers['content-security-policy']).toMatch(/sandbox/);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    const img = await get('/repos/data/raw/main/img/cat.png?inline=1');
    expect(img.headers['content-type']).toBe('image/png');
    expect(img.headers['content-disposition']).toMatch(/^inline/);
  });
});

describe('forms and errors', () => {
  it('creates a repo and a branch from a ref, and deletes them after confirmation', async () => {
    const created = await post('/repos', { name: 'scratch', description: 'tmp' });
    expect(created.statusCode).toBe(303);
    expect(created.headers.location).toBe('/repos/scratch');
    // The From field says what empty does, and starts with the default branch once it has a commit.
    const fromField = (body: string) => /<label>From \(branch or commit; empty: no commits yet\)<input type="text" name="from" value="([^"]*)"/.exec(body)?.[1];
    expect(fromField((await get('/repos/scratch')).body)).toBe('');
    await put(t.pfs, 'scratch@main:/a', 'a');
    expect(fromField((await get('/repos/scratch')).body)).toBe('main');
    expect((await post('/repos/scratch/branches', { name: 'dev', from: 'main' })).statusCode).toBe(303);
    expect((await t.pfs.inspectBranch(repo('scratch'), branch('dev'))).head).toBe((await t.pfs.inspectCommit(ref('scratch@main'))).id);
    const wrong = await post('/repos/scratch/branches/dev/delete', { confirm: 'nope' });
    expect(wrong.statusCode).toBe(400);
    expect(wrong.body).toContain('type &quot;dev&quot; exactly');
    await t.pfs.inspectBranch(repo('scratch'), branch('dev'));
    expect((await post('/repos/scratch/branches/dev/delete', { confirm: 'dev' })).statusCode).toBe(303);
    expect((await get('/repos/scratch/delete')).body).toContain('Delete repo scratch?');
    expect((await post('/repos/scratch/delete', { confirm: 'scratch' })).statusCode).toBe(303);
    expect((await get('/repos/scratch')).statusCode).toBe(404);
  });

  it('answers with the status of the error kind and a clear message', async () => {
    const missing = await get('/repos/nope');
    expect(missing.statusCode).toBe(404);
    expect(missing.body).toContain('repo &quot;nope&quot; not found');
    expect(missing.body).toContain('REPO_NOT_FOUND');
    const badName = await post('/repos', { name: 'bad name!' });
    expect(badName.statusCode).toBe(400);
    expect(badName.body).toContain('only letters A-Z');
    expect((await post('/repos', { name: 'data' })).statusCode).toBe(409);
    expect((await get('/repos/data/files/main/no/such/file')).statusCode).toBe(404);
    expect((await get('/repos/data/files/nobranch/')).statusCode).toBe(404);
    const badRef = await get('/repos/data/log/main%40x');
    expect(badRef.statusCode).toBe(400);
    expect((await get(`/repos/data/commits/${'0'.repeat(32)}`)).statusCode).toBe(404);
    expect((await get('/repos/data/commits/xyz')).statusCode).toBe(400);
    const unknown = await get('/no/such/page');
    expect(unknown.statusCode).toBe(404);
    expect(unknown.headers['content-type']).toMatch(/text\/html/);
    const dir = await get('/repos/data/raw/main/docs');
    expect(dir.statusCode).toBe(412);
    expect(dir.headers['content-disposition']).toBeUndefined();
  });

  it('refuses a form posted from another site, changing nothing', async () => {
    const res = await post('/repos', { name: 'csrf' }, { origin: 'http://evil.example' });
    expect(res.statusCode).toBe(403);
    await expect(t.pfs.inspectRepo(repo('csrf'))).rejects.toMatchObject({ code: 'REPO_NOT_FOUND' });
  });

  it('shows a read-only viewer no write buttons and refuses their posts', async () => {
    const home = await get('/', readOnly);
    expect(home.body).not.toContain('<form');
    expect(home.body).toContain('reader (read-only)');
    expect((await get('/repos/data', readOnly)).body).not.toContain('Delete');
    const res = await post('/repos', { name: 'nope2' }, {}, readOnly);
    expect(res.statusCode).toBe(403);
    await expect(t.pfs.inspectRepo(repo('nope2'))).rejects.toMatchObject({ code: 'REPO_NOT_FOUND' });
  });
});
