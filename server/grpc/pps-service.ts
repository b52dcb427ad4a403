// The PpsService handlers: decode, parse, call the pps core, encode. The
// service is loaded from proto/strata/pps/v1/pps.proto at run time.
import type * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { StrataError } from '../../src/errors/index.ts';
import type { Pfs } from '../../src/pfs/pfs.ts';
import type { Pps } from '../../src/pps/pps.ts';
import { TERMINAL_JOB_STATES, type JobRecord } from '../../src/pps/records.ts';
import * as encode from './pps-encode.ts';
import { fileRefField, repoField } from './parse.ts';
import { protoDir } from '../../src/package-dir.ts';
import { LOADER_OPTIONS } from './proto.ts';
import type { PpsServiceDefinition, PpsServiceHandlers } from '../../proto/generated/strata/pps/v1/PpsService.ts';
import type { CallContext, Rpc } from './rpc.ts';

export const PPS_PROTO_FILE = 'strata/pps/v1/pps.proto';
export const PPS_SERVICE_NAME = 'strata.pps.v1.PpsService';

export function loadPpsProto(): { definition: protoLoader.PackageDefinition; service: grpc.ServiceDefinition } {
  const definition = protoLoader.loadSync(PPS_PROTO_FILE, { ...LOADER_OPTIONS, includeDirs: [protoDir()] });
  const service = definition[PPS_SERVICE_NAME] as grpc.ServiceDefinition | undefined;
  if (!service) throw new Error(`${PPS_PROTO_FILE} does not define ${PPS_SERVICE_NAME}`);
  return { definition, service };
}

/** WaitJob sends a running job's state at most this often. */
const PROGRESS_GAP_MS = 200;
const REPROCESS = { REPROCESS_DEFAULT: undefined, REPROCESS_ALL: true, REPROCESS_NONE: false } as const;

function required(name: string, value: string): string {
  if (!value) throw new StrataError('INVALID_ARGUMENT', `${name} is required`, { field: name });
  return value;
}

/** Aborted when the client goes away or the server shuts down. */
function callSignal(ctx: CallContext): AbortSignal {
  return AbortSignal.any([ctx.signal, ctx.shutdown]);
}

export function ppsHandlers(rpc: Rpc<PpsServiceDefinition>, pps: Pps, pfs: Pfs): PpsServiceHandlers {
  const pipeline = (req: { pipeline: string }): string => repoField('pipeline', req.pipeline);
  return {
    CreatePipeline: rpc.unary('CreatePipeline', async (req) =>
      encode.pipelineInfo(await pps.createPipeline(required('spec_json', req.specJson), { update: req.update, reprocess: REPROCESS[req.reprocess as keyof typeof REPROCESS] })),
    ),
    InspectPipeline: rpc.unary('InspectPipeline', async (req) => encode.pipelineInfo(await pps.inspectPipeline(repoField('name', req.name)))),
    ListPipeline: rpc.unary('ListPipeline', async () => ({ pipelines: (await pps.listPipelines()).map(encode.pipelineInfo) })),
    DeletePipeline: rpc.unary('DeletePipeline', async (req) => (await pps.deletePipeline(repoField('name', req.name), { keepRepo: req.keepRepo }), {})),
    StopPipeline: rpc.unary('StopPipeline', async (req) => encode.pipelineInfo(await pps.stopPipeline(repoField('name', req.name)))),
    StartPipeline: rpc.unary('StartPipeline', async (req) => encode.pipelineInfo(await pps.startPipeline(repoField('name', req.name)))),
    ListJob: rpc.unary('ListJob', async (req) => ({ jobs: (await pps.listJobs(req.pipeline ? pipeline(req) : undefined)).map(encode.jobInfo) })),
    InspectJob: rpc.unary('InspectJob', async (req) => encode.jobInfo(await pps.inspectJob(pipeline(req), required('job', req.job)))),
    WaitJob: rpc.serverStream('WaitJob', async (req, send, ctx) => {
      // At most one update per PROGRESS_GAP_MS, and the newest state always goes out: an update held back
      // is sent at the end of the gap (a job that then waits long on one datum still shows its last counts).
      let last = 0;
      let held: JobRecord | undefined;
      let timer: NodeJS.Timeout | undefined;
      let sending = Promise.resolve();
      const flush = (): void => {
        const j = held;
        held = undefined;
        timer = undefined;
        if (!j) return;
        last = Date.now();
        sending = sending.then(() => send(encode.jobInfo(j))).catch(() => undefined);
      };
      const progress = (j: JobRecord): void => {
        held = j;
        const wait = PROGRESS_GAP_MS - (Date.now() - last);
        if (wait <= 0) flush();
        else timer ??= setTimeout(flush, wait);
      };
      let end: JobRecord;
      try {
        end = await pps.waitJob(pipeline(req), required('job', req.job), callSignal(ctx), progress);
      } finally {
        clearTimeout(timer);
      }
      await sending;
      await send(encode.jobInfo(end));
    }),
    StopJob: rpc.unary('StopJob', async (req) => encode.jobInfo(await pps.stopJob(pipeline(req), required('job', req.job)))),
    RerunJob: rpc.unary('RerunJob', async (req, ctx) => {
      const job = await pps.inspectJob(pipeline(req), required('job', req.job));
      if (!TERMINAL_JOB_STATES.includes(job.state)) throw new StrataError('FAILED_PRECONDITION', `job ${job.pipeline}@${job.id} is ${job.state}; rerun it once it has ended`, { job: job.id });
      return pps.rerun(job.pipeline, job.id, callSignal(ctx));
    }),
    ListDatum: rpc.serverStream('ListDatum', async (req, send) => {
      for (const d of await pps.listDatums(pipeline(req), required('job', req.job))) await send(encode.datumInfo(d));
    }),
    InspectDatum: rpc.unary('InspectDatum', async (req) => encode.datumInfo(await pps.inspectDatum(pipeline(req), required('job', req.job), required('datum', req.datum)))),
    GetLogs: rpc.serverStream('GetLogs', async (req, send, ctx) => {
      for await (const l of pps.logs(pipeline(req), { job: req.job || undefined, datum: req.datum || undefined, follow: req.follow }, callSignal(ctx))) await send(l);
    }),
    Explain: rpc.unary('Explain', async (req) => {
      const ref = fileRefField('file', req.file);
      const c = await pfs.inspectCommit(ref);
      return encode.explanation(await pps.explain(ref.repo, c.id, ref.path));
    }),
  } satisfies PpsServiceHandlers;
}
