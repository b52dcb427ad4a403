// Repo and branch RPCs: decode, parse names and refs, call pfs, encode.
import type { Pfs } from '../../src/pfs/pfs.ts';
import * as encode from './encode.ts';
import { branchRefField, commitIdField, commitRefField, optionalCommitRefField, repoField } from './parse.ts';
import type { PfsRpc } from './rpc.ts';

export function repoHandlers(rpc: PfsRpc, pfs: Pfs) {
  return {
    CreateRepo: rpc.unary('CreateRepo', async (req) =>
      encode.repoInfo(await pfs.createRepo(repoField('name', req.name), { description: req.description })),
    ),
    InspectRepo: rpc.unary('InspectRepo', async (req) => encode.repoInfo(await pfs.inspectRepo(repoField('name', req.name)))),
    ListRepo: rpc.unary('ListRepo', async () => ({ repos: (await pfs.listRepos()).map(encode.repoInfo) })),
    DeleteRepo: rpc.unary('DeleteRepo', async (req) => {
      await pfs.deleteRepo(repoField('name', req.name), { force: req.force });
      return {};
    }),
  };
}

export function branchHandlers(rpc: PfsRpc, pfs: Pfs) {
  return {
    CreateBranch: rpc.unary('CreateBranch', async (req) => {
      const { repo, branch } = branchRefField('branch', req.branch);
      const from = optionalCommitRefField('from', req.from);
      const provenance = req.provenance.map((p, i) => branchRefField(`provenance[${i}]`, p));
      return encode.branchInfo(await pfs.createBranch(repo, branch, { from, provenance }));
    }),
    InspectBranch: rpc.unary('InspectBranch', async (req) => {
      const { repo, branch } = branchRefField('branch', req.branch);
      return encode.branchInfo(await pfs.inspectBranch(repo, branch));
    }),
    ListBranch: rpc.unary('ListBranch', async (req) => ({
      branches: (await pfs.listBranches(repoField('repo', req.repo))).map(encode.branchInfo),
    })),
    DeleteBranch: rpc.unary('DeleteBranch', async (req) => {
      const { repo, branch } = branchRefField('branch', req.branch);
      await pfs.deleteBranch(repo, branch);
      return {};
    }),
    ResetBranch: rpc.unary('ResetBranch', async (req) => {
      const { repo, branch } = branchRefField('branch', req.branch);
      const to = commitRefField('to', req.to);
      const expectedHead = req.expectedHead === '' ? undefined : commitIdField('expected_head', req.expectedHead);
      const { branch: info, previousHead } = await pfs.resetBranch(repo, branch, to, { expectedHead });
      return { branch: encode.branchInfo(info), previousHead: previousHead ?? undefined };
    }),
  };
}

/** Tags are named like branches, so `repo@tag` parses as a branch ref. */
export function tagHandlers(rpc: PfsRpc, pfs: Pfs) {
  const tagField = (value: string) => {
    const { repo, branch } = branchRefField('tag', value);
    return { repo, tag: branch };
  };
  return {
    CreateTag: rpc.unary('CreateTag', async (req) => {
      const { repo, tag } = tagField(req.tag);
      return encode.tagInfo(await pfs.createTag(repo, tag, commitRefField('ref', req.ref)));
    }),
    InspectTag: rpc.unary('InspectTag', async (req) => {
      const { repo, tag } = tagField(req.tag);
      return encode.tagInfo(await pfs.inspectTag(repo, tag));
    }),
    ListTag: rpc.unary('ListTag', async (req) => ({ tags: (await pfs.listTags(repoField('repo', req.repo))).map(encode.tagInfo) })),
    DeleteTag: rpc.unary('DeleteTag', async (req) => {
      const { repo, tag } = tagField(req.tag);
      await pfs.deleteTag(repo, tag);
      return {};
    }),
  };
}
