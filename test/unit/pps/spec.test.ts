// Pipeline specs in Pachyderm's JSON: what parses, the defaults, and that
// every bad field is refused with INVALID_PIPELINE_SPEC naming it.
import { describe, expect, it } from 'vitest';
import { isStrataError } from '../../../src/errors/index.ts';
import { parseDuration } from '../../../src/pps/duration.ts';
import { parsePipelineSpec, pfsInputs, transformHash } from '../../../src/pps/spec.ts';

const wordCount = {
  pipeline: { name: 'map' },
  description: 'Pachyderm word count, map step',
  transform: { image: 'pachyderm/example-wordcount', cmd: ['sh'], stdin: ['echo hi > /pfs/out/$PACH_DATUM_ID'], env: { A: '1' }, accept_return_code: [3] },
  input: { pfs: { repo: 'urls', glob: '/*/*' } },
  parallelism_spec: { constant: 4 },
};

function refused(spec: unknown): { field: string; message: string } {
  try {
    parsePipelineSpec(spec);
  } catch (err) {
    if (isStrataError(err, 'INVALID_PIPELINE_SPEC')) return { field: String(err.data.field), message: err.message };
    throw err;
  }
  throw new Error('the spec was accepted');
}

const withInput = (input: unknown) => ({ ...wordCount, input });

describe('parsePipelineSpec', () => {
  it('parses a Pachyderm spec with its defaults', () => {
    const s = parsePipelineSpec(JSON.stringify(wordCount));
    expect(s.name).toBe('map');
    expect(s.transform.cmd).toEqual(['sh']);
    expect(s.transform.stdin).toEqual(['echo hi > /pfs/out/$PACH_DATUM_ID']);
    expect(s.transform.acceptReturnCode).toEqual([3]);
    expect(s.input).toEqual({ kind: 'pfs', pfs: { name: 'urls', repo: 'urls', branch: 'main', glob: '/*/*', lazy: false, emptyFiles: false, outerJoin: false } });
    expect(s.parallelism).toBe(4);
    expect(s.datumTries).toBe(3);
    expect(s.outputBranch).toBe('main');
    expect(s.reprocessSpec).toBe('until_success');
    expect(s.datumTimeoutMs).toBeUndefined();
    expect(s.notApplied).toEqual([]);
  });

  it('reads every documented field', () => {
    const s = parsePipelineSpec({
      ...wordCount,
      transform: { ...wordCount.transform, working_dir: '/tmp', user: 'nobody', err_cmd: ['true'], err_stdin: ['x'] },
      datum_tries: 1,
      datum_timeout: '1m30s',
      job_timeout: '2h',
      output_branch: 'results',
      reprocess_spec: 'every_job',
      salt: 'pepper',
      resource_requests: { cpu: 1 },
      autoscaling: true,
      scheduling_spec: {},
      pod_patch: '[]',
      tolerations: [],
    });
    expect(s.datumTimeoutMs).toBe(90_000);
    expect(s.jobTimeoutMs).toBe(7_200_000);
    expect(s.outputBranch).toBe('results');
    expect(s.reprocessSpec).toBe('every_job');
    expect(s.salt).toBe('pepper');
    expect(s.transform.errCmd).toEqual(['true']);
    expect(s.notApplied.map((n) => n.field).sort()).toEqual(['autoscaling', 'pod_patch', 'resource_requests', 'scheduling_spec', 'tolerations']);
  });

  it('parses cross, union, join and group trees', () => {
    const s = parsePipelineSpec(
      withInput({
        cross: [
          { pfs: { repo: 'images', glob: '/*', name: 'img' } },
          { union: [{ pfs: { repo: 'a', glob: '/*', name: 'u' } }, { pfs: { repo: 'b', glob: '/*', name: 'u' } }] },
          { join: [{ pfs: { repo: 'l', glob: '/(*).txt', join_on: '$1', outer_join: true } }, { pfs: { repo: 'r', glob: '/(*).csv', join_on: '$1' } }] },
          { group: [{ pfs: { repo: 'g', glob: '/(*)-*', group_by: '$1' } }] },
        ],
      }),
    );
    expect(pfsInputs(s.input).map((p) => p.name)).toEqual(['img', 'u', 'u', 'l', 'r', 'g']);
  });

  it.each([
    [{ ...wordCount, pipeline: undefined }, 'pipeline'],
    [{ ...wordCount, pipeline: { name: 'bad name' } }, 'pipeline.name'],
    [{ ...wordCount, transform: { image: 'x' } }, 'transform.cmd'],
    [{ ...wordCount, transform: { cmd: ['sh'], cmdd: [] } }, 'transform.cmdd'],
    [{ ...wordCount, transform: { cmd: 'sh' } }, 'transform.cmd'],
    [{ ...wordCount, transform: { cmd: ['sh'], err_stdin: ['x'] } }, 'transform.err_stdin'],
    [{ ...wordCount, bogus: 1 }, 'bogus'],
    [{ ...wordCount, input: undefined }, 'input'],
    [withInput({}), 'input'],
    [withInput({ pfs: { repo: 'a', glob: '/' }, cross: [] }), 'input'],
    [withInput({ pfs: { repo: 'a' } }), 'input.pfs.glob'],
    [withInput({ pfs: { repo: 'a', glob: '*' } }), 'input.pfs.glob'],
    [withInput({ pfs: { repo: 'a', glob: '/', name: 'out' } }), 'input.pfs.name'],
    [withInput({ pfs: { repo: 'a', glob: '/', join_on: '$1' } }), 'input.pfs.join_on'],
    [withInput({ pfs: { repo: 'a', glob: '/', outer_join: true } }), 'input.pfs.outer_join'],
    [withInput({ pfs: { repo: 'a', glob: '/', group_by: '$1' } }), 'input.pfs.group_by'],
    [withInput({ pfs: { repo: 'a', glob: '/', commitz: 'x' } }), 'input.pfs.commitz'],
    [withInput({ join: [{ pfs: { repo: 'a', glob: '/(*)' } }] }), 'input.join[0].pfs.join_on'],
    [withInput({ join: [{ pfs: { repo: 'a', glob: '/(*)', join_on: 'x' } }] }), 'input.join[0].pfs.join_on'],
    [withInput({ join: [{ cross: [{ pfs: { repo: 'a', glob: '/' } }] }] }), 'input.join'],
    [withInput({ cross: [] }), 'input.cross'],
    [withInput({ cross: [{ pfs: { repo: 'a', glob: '/' } }, { pfs: { repo: 'a', glob: '/*' } }] }), 'input'],
    [withInput({ cron: { name: 'tick', spec: 'often' } }), 'input.cron.spec'],
    [{ ...wordCount, datum_tries: 0 }, 'datum_tries'],
    [{ ...wordCount, datum_timeout: '10 minutes' }, 'datum_timeout'],
    [{ ...wordCount, reprocess_spec: 'sometimes' }, 'reprocess_spec'],
    [{ ...wordCount, output_branch: 'a b' }, 'output_branch'],
    [{ ...wordCount, parallelism_spec: { constant: -1 } }, 'parallelism_spec.constant'],
  ])('refuses %j naming %s', (spec, field) => {
    expect(refused(spec).field).toBe(field);
  });

  it('reads cron inputs: the schedule is checked, the tick repo defaults to <pipeline>_<name>', () => {
    const s = parsePipelineSpec(withInput({ cross: [{ cron: { name: 'tick', spec: '@every 30s', overwrite: true } }, { cron: { name: 'nightly', spec: '0 3 * * *', repo: 'ticks' } }] }));
    expect(pfsInputs(s.input).map((p) => `${p.name}=${p.repo}:${p.glob}`)).toEqual(['tick=map_tick:/*', 'nightly=ticks:/*']);
    expect(refused(withInput({ cron: { name: 'tick', spec: '61 * * * *' } })).field).toBe('input.cron.spec');
    expect(refused(withInput({ cron: { name: 'tick', spec: '@every soon' } })).field).toBe('input.cron.spec');
  });

  it('refuses text that is not JSON', () => {
    expect(refused('{"pipeline":').message).toMatch(/not JSON/);
  });

  it('hashes the transform canonically: key order does not matter, any change does', () => {
    const a = parsePipelineSpec(wordCount).transform;
    const b = parsePipelineSpec({ ...wordCount, transform: { accept_return_code: [3], env: { A: '1' }, stdin: wordCount.transform.stdin, cmd: ['sh'], image: wordCount.transform.image } }).transform;
    expect(transformHash(a)).toBe(transformHash(b));
    expect(transformHash({ ...a, cmd: ['bash'] })).not.toBe(transformHash(a));
  });
});

describe('parseDuration', () => {
  it.each([
    ['30s', 30_000],
    ['1m30s', 90_000],
    ['1.5h', 5_400_000],
    ['250ms', 250],
    ['0', 0],
  ])('%s = %d ms', (text, ms) => expect(parseDuration(text)).toBe(ms));
  it.each(['', '10', 's', '1x', '1m 30s'])('refuses %j', (text) => expect(parseDuration(text)).toBeUndefined());
});
