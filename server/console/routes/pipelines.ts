// Pipeline pages (issue 9 in the console): list, one pipeline with its
// jobs, one job with its datums (paged by datum id), one datum with its log.
import type { FastifyInstance } from 'fastify';
import { datumPage } from '../../../src/pps/datum-page.ts';
import type { Pps } from '../../../src/pps/pps.ts';
import type { ConsoleContext } from '../context.ts';
import { positiveInt, queryString, repoParam } from '../params.ts';
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
    const { entries, next } = await datumPage(pps.store, name, job.id, { after, limit: DATUM_PAGE });
    const first = after === undefined ? 1 : positiveInt(queryString(req.query, 'at'));
    const nextHref = next === null ? null : urls.job(name, job.id, { after: next, at: first === null ? undefined : first + entries.length });
    return ctx.page(req, reply, {
      title: `Job ${job.id.slice(0, 10)} of ${name}`,
      crumbs: [{ label: 'Pipelines', href: urls.pipelines() }, { label: name, href: urls.pipeline(name) }, { label: job.id.slice(0, 10) }],
      body: jobView(job, { entries, first, nextHref, firstHref: after === undefined ? null : urls.job(name, job.id) }),
    });
  });

  app.get<{ Params: { name: string; job: string; datum: string } }>('/pipelines/:name/jobs/:job/datums/:datum', async (req, reply) => {
    const name = repoParam(req.params.name);
    const job = await pps.inspectJob(name, req.params.job);
    const datum = await pps.inspectDatum(name, job.id, req.params.datum, queryString(req.query, 'batch'));
    const log = await pps.store.log(name, job.id, datum.id);
    return ctx.page(req, reply, {
      title: `Datum ${datum.id.slice(0, 10)} of ${name}`,
      crumbs: [{ label: 'Pipelines', href: urls.pipelines() }, { label: name, href: urls.pipeline(name) }, { label: job.id.slice(0, 10), href: urls.job(name, job.id) }, { label: datum.id.slice(0, 10) }],
      body: datumView(job, datum, log),
    });
  });
}
