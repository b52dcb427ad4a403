// Pipeline pages (issue 9 in the console): list, one pipeline with its
// jobs, one job with its datums (paged by datum id), one datum with its log.
import type { FastifyInstance } from 'fastify';
import type { Pps } from '../../../src/pps/pps.ts';
import type { ConsoleContext } from '../context.ts';
import { queryString, repoParam } from '../params.ts';
import { urls } from '../urls.ts';
import { datumView, jobView, pipelineListView, pipelineView } from '../views/pipelines.ts';

const JOBS_SHOWN = 100;
const DATUM_PAGE = 200;

export function registerPipelineRoutes(app: FastifyInstance, ctx: ConsoleContext, pps: Pps): void {
  app.get('/pipelines', async (req, reply) => {
    const all = (await pps.listPipelines()).sort((a, b) => (a.record.name < b.record.name ? -1 : 1));
    const readable = await Promise.all(all.map((p) => ctx.mayRead(req, p.record.name)));
    const list = all.filter((_, i) => readable[i]);
    return ctx.page(req, reply, { title: 'Pipelines', crumbs: [{ label: 'Pipelines' }], body: pipelineListView(list) });
  });

  app.get<{ Params: { name: string } }>('/pipelines/:name', async (req, reply) => {
    const name = repoParam(req.params.name);
    const info = await pps.inspectPipeline(name);
    const jobs = await pps.listJobs(name);
    return ctx.page(req, reply, {
      title: `Pipeline ${name}`,
      crumbs: [{ label: 'Pipelines', href: urls.pipelines() }, { label: name }],
      body: pipelineView(info, jobs.slice(0, JOBS_SHOWN), Math.max(0, jobs.length - JOBS_SHOWN)),
    });
  });

  app.get<{ Params: { name: string; job: string } }>('/pipelines/:name/jobs/:job', async (req, reply) => {
    const name = repoParam(req.params.name);
    const job = await pps.inspectJob(name, req.params.job);
    const after = queryString(req.query, 'after');
    const all = await pps.listDatums(name, job.id);
    const from = after === undefined ? 0 : all.findIndex((d) => d.id > after);
    const datums = from < 0 ? [] : all.slice(from, from + DATUM_PAGE);
    const last = datums.at(-1);
    const more = from >= 0 && from + DATUM_PAGE < all.length;
    return ctx.page(req, reply, {
      title: `Job ${job.id.slice(0, 10)} of ${name}`,
      crumbs: [{ label: 'Pipelines', href: urls.pipelines() }, { label: name, href: urls.pipeline(name) }, { label: job.id.slice(0, 10) }],
      body: jobView(job, { datums, total: all.length, nextHref: more && last ? urls.job(name, job.id, last.id) : null }),
    });
  });

  app.get<{ Params: { name: string; job: string; datum: string } }>('/pipelines/:name/jobs/:job/datums/:datum', async (req, reply) => {
    const name = repoParam(req.params.name);
    const job = await pps.inspectJob(name, req.params.job);
    const datum = await pps.inspectDatum(name, job.id, req.params.datum);
    const log = await pps.store.log(name, job.id, datum.id);
    return ctx.page(req, reply, {
      title: `Datum ${datum.id.slice(0, 10)} of ${name}`,
      crumbs: [{ label: 'Pipelines', href: urls.pipelines() }, { label: name, href: urls.pipeline(name) }, { label: job.id.slice(0, 10), href: urls.job(name, job.id) }, { label: datum.id.slice(0, 10) }],
      body: datumView(job, datum, log),
    });
  });
}
