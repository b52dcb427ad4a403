#!/usr/bin/env python3
"""A Strata round trip from Python, with a client generated from proto/.

Usage: python3 roundtrip.py HOST:PORT [--proto DIR] [--repo NAME]

Generates the Python stubs from proto/ into a temporary directory with
`python3 -m grpc_tools.protoc` (nothing generated is kept), then, against the
server at HOST:PORT: creates a repo; opens a commit, puts two files into it
with the ModifyFile client stream and finishes it; inspects the commit; gets
a file back (server stream) and compares the bytes; lists the directory;
writes a second version in a one-off commit; diffs the two commits; checks
that an unknown repo fails with NOT_FOUND and the `strata-error-code`
trailer REPO_NOT_FOUND; deletes the repo. Prints one line per step and exits
1 on the first mismatch (2 when it cannot start: no grpc, no server).

Needs grpcio and grpcio-tools: `apt-get install python3-grpcio
python3-grpc-tools` (then run it with /usr/bin/python3) or `pip install
grpcio grpcio-tools`.
"""
import argparse
import hashlib
import os
import re
import subprocess
import sys
import tempfile
import uuid

try:
    import grpc
    import grpc_tools
except ImportError as e:
    print(
        f"roundtrip: {sys.executable} cannot import grpc ({e}); run this with a python that has "
        "grpcio and grpcio-tools, e.g. /usr/bin/python3 after `apt-get install python3-grpcio "
        "python3-grpc-tools`, or after `pip install grpcio grpcio-tools`",
        file=sys.stderr,
    )
    sys.exit(2)

HERE = os.path.dirname(os.path.abspath(__file__))
PROTO = "strata/pfs/v1/pfs.proto"
TIMEOUT = 30  # seconds, the deadline of every call
CHUNK = 64 * 1024  # bytes per `data` message (the server accepts up to 4 MiB)


class Mismatch(Exception):
    pass


def step(name, detail=""):
    print(f"ok {name}" + (f": {detail}" if detail else ""), flush=True)


def expect(what, got, want):
    if got != want:
        raise Mismatch(f"{what}: got {got!r}, want {want!r}")


def protoc_version():
    out = subprocess.run([sys.executable, "-m", "grpc_tools.protoc", "--version"], capture_output=True, text=True)
    m = re.search(r"(\d+)\.(\d+)", out.stdout + out.stderr)
    return (int(m.group(1)), int(m.group(2))) if m else (0, 0)


def generate(proto_dir, out_dir):
    """Compiles proto/ into out_dir and imports the modules: (pfs_pb2, pfs_pb2_grpc)."""
    version = protoc_version()
    src_dir = proto_dir
    if version < (3, 15):
        # protoc before 3.15 cannot parse proto3 `optional` (Debian bookworm's
        # python3-grpc-tools bundles libprotoc 3.5.1). An `optional` field has
        # the same number and encoding as a plain one, so compiling a copy
        # without the label gives a wire-compatible client; only HasField()
        # on those fields is lost (an unset one reads as 0 or "").
        src_dir = os.path.join(out_dir, "proto")
        os.makedirs(os.path.join(src_dir, os.path.dirname(PROTO)))
        with open(os.path.join(proto_dir, PROTO)) as f:
            text = re.sub(r"^(\s*)optional\s+", r"\1", f.read(), flags=re.M)
        with open(os.path.join(src_dir, PROTO), "w") as f:
            f.write(text)
    gen_dir = os.path.join(out_dir, "gen")
    os.makedirs(gen_dir)
    well_known = os.path.join(os.path.dirname(grpc_tools.__file__), "_proto")
    cmd = [sys.executable, "-m", "grpc_tools.protoc", f"-I{src_dir}", f"-I{well_known}",
           f"--python_out={gen_dir}", f"--grpc_python_out={gen_dir}", PROTO]
    done = subprocess.run(cmd, capture_output=True, text=True)
    if done.returncode != 0:
        raise Mismatch(f"protoc failed ({done.returncode}):\n{done.stderr}")
    sys.path.insert(0, gen_dir)
    from strata.pfs.v1 import pfs_pb2, pfs_pb2_grpc  # noqa: E402 (generated just now)

    note = " (proto3 `optional` labels dropped for this old protoc)" if src_dir != proto_dir else ""
    step("generate", f"python stubs from {PROTO} with libprotoc {version[0]}.{version[1]}{note}")
    return pfs_pb2, pfs_pb2_grpc


def put_messages(pb, target, files):
    """A ModifyFile stream: the header, then per file a put_file and its bytes in `data` messages, then done."""
    yield pb.ModifyFileRequest(header=pb.ModifyFileHeader(target=target))
    for path, body in files.items():
        if body is None:
            yield pb.ModifyFileRequest(delete_file=pb.DeleteFile(path=path))
            continue
        yield pb.ModifyFileRequest(put_file=pb.PutFileStart(path=path, size_bytes=len(body)))
        for at in range(0, len(body), CHUNK):
            yield pb.ModifyFileRequest(data=body[at : at + CHUNK])
    # Only an explicit done commits: a stream that merely ends may have been cut.
    yield pb.ModifyFileRequest(done=pb.ModifyFileDone())


def get_bytes(stub, pb, file, **kw):
    return b"".join(msg.data for msg in stub.GetFile(pb.GetFileRequest(file=file, **kw), timeout=TIMEOUT))


def expect_repo_not_found(what, call):
    try:
        call()
    except grpc.RpcError as e:
        trailers = dict(e.trailing_metadata() or ())
        expect(f"{what}: status", e.code(), grpc.StatusCode.NOT_FOUND)
        expect(f"{what}: strata-error-code trailer", trailers.get("strata-error-code"), "REPO_NOT_FOUND")
        return f"{e.code().name} {trailers['strata-error-code']} ({e.details()})"
    raise Mismatch(f"{what}: succeeded, want NOT_FOUND")


def roundtrip(stub, pb, repo):
    enum = pb.DESCRIPTOR.enum_types_by_name
    name_of = lambda enum_name, v: enum[enum_name].values_by_number[v].name  # noqa: E731

    info = stub.CreateRepo(pb.CreateRepoRequest(name=repo, description="python round trip"), timeout=TIMEOUT)
    expect("create repo: name", info.name, repo)
    step("create repo", repo)

    # v1: an explicit commit; two files staged into it with one ModifyFile stream.
    v1 = {"/data/hello.bin": os.urandom(300_000), "/data/notes.txt": b"first version\n"}
    opened = stub.StartCommit(pb.StartCommitRequest(branch=f"{repo}@main", description="v1"), timeout=TIMEOUT)
    expect("start commit: state", name_of("CommitState", opened.state), "COMMIT_STATE_OPEN")
    staged = stub.ModifyFile(put_messages(pb, f"{repo}@{opened.id}", v1), timeout=TIMEOUT)
    expect("put: commit", staged.id, opened.id)
    expect("put: state", name_of("CommitState", staged.state), "COMMIT_STATE_OPEN")
    step("put", f"{len(v1)} files, {sum(map(len, v1.values()))} bytes into open commit {opened.id}")

    first = stub.FinishCommit(pb.FinishCommitRequest(commit=f"{repo}@main"), timeout=TIMEOUT)
    expect("finish: commit", first.id, opened.id)
    expect("finish: state", name_of("CommitState", first.state), "COMMIT_STATE_FINISHED")
    step("finish", f"{repo}@{first.id}")

    inspected = stub.InspectCommit(pb.InspectCommitRequest(commit=f"{repo}@main"), timeout=TIMEOUT)
    expect("inspect: id", inspected.id, first.id)
    expect("inspect: branch", inspected.branch, "main")
    expect("inspect: parent", inspected.parent, "")
    expect("inspect: file count", inspected.file_count, len(v1))
    expect("inspect: size", inspected.size_bytes, sum(map(len, v1.values())))
    step("inspect", f"{inspected.file_count} files, {inspected.size_bytes} bytes, description {inspected.description!r}")

    got = get_bytes(stub, pb, f"{repo}@main:/data/hello.bin")
    expect("get: sha256 of /data/hello.bin", hashlib.sha256(got).hexdigest(), hashlib.sha256(v1["/data/hello.bin"]).hexdigest())
    part = get_bytes(stub, pb, f"{repo}@main:/data/hello.bin", offset=100_000, length=1_000)
    expect("get: bytes 100000..101000", part, v1["/data/hello.bin"][100_000:101_000])
    step("get", f"/data/hello.bin, {len(got)} bytes equal (and a ranged read)")

    listed = [(f.path, name_of("FileType", f.type), f.size_bytes)
              for f in stub.ListFile(pb.ListFileRequest(dir=f"{repo}@main:/data"), timeout=TIMEOUT)]
    expect("list /data", listed, [(p, "FILE_TYPE_FILE", len(b)) for p, b in sorted(v1.items())])
    step("list", ", ".join(p for p, _, _ in listed))

    # v2: a one-off commit (the branch head is finished): change, add and delete.
    v2 = {"/data/hello.bin": v1["/data/hello.bin"][:150_000] + b"changed" + v1["/data/hello.bin"][150_000:],
          "/data/new.txt": b"added in v2\n", "/data/notes.txt": None}
    second = stub.ModifyFile(put_messages(pb, f"{repo}@main", v2), timeout=TIMEOUT)
    expect("put v2: state", name_of("CommitState", second.state), "COMMIT_STATE_FINISHED")
    expect("put v2: origin", name_of("CommitOrigin", second.origin), "COMMIT_ORIGIN_AUTO")
    expect("put v2: parent", second.parent, first.id)
    expect("put v2: file count", second.file_count, 2)
    expect("get v2", get_bytes(stub, pb, f"{repo}@main:/data/hello.bin"), v2["/data/hello.bin"])
    expect("get v1 by id", get_bytes(stub, pb, f"{repo}@{first.id}:/data/hello.bin"), v1["/data/hello.bin"])
    step("put v2", f"one-off commit {second.id}, parent {second.parent}")

    diff = [(name_of("DiffType", d.type), d.path, d.old_size_bytes, d.new_size_bytes)
            for d in stub.DiffFile(pb.DiffFileRequest(new_ref=f"{repo}@{second.id}", old_ref=f"{repo}@{first.id}"), timeout=TIMEOUT)]
    expect("diff", diff, [
        ("DIFF_TYPE_MODIFIED", "/data/hello.bin", 300_000, 300_007),
        ("DIFF_TYPE_ADDED", "/data/new.txt", 0, len(v2["/data/new.txt"])),
        ("DIFF_TYPE_DELETED", "/data/notes.txt", len(v1["/data/notes.txt"]), 0),
    ])
    step("diff", "; ".join(f"{t[len('DIFF_TYPE_'):].lower()} {p}" for t, p, _, _ in diff))

    missing = f"no-such-repo-{uuid.uuid4().hex[:8]}"
    detail = expect_repo_not_found("unknown repo (unary)", lambda: stub.InspectRepo(pb.InspectRepoRequest(name=missing), timeout=TIMEOUT))
    expect_repo_not_found("unknown repo (stream)", lambda: get_bytes(stub, pb, f"{missing}@main:/a"))
    step("error", detail)

    stub.DeleteRepo(pb.DeleteRepoRequest(name=repo), timeout=TIMEOUT)
    expect_repo_not_found("deleted repo", lambda: stub.InspectRepo(pb.InspectRepoRequest(name=repo), timeout=TIMEOUT))
    step("delete repo", repo)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("address", help="the server's gRPC address, HOST:PORT")
    ap.add_argument("--proto", default=os.path.join(HERE, "..", "..", "proto"), help="the proto/ directory (default: the repo's)")
    ap.add_argument("--repo", default=f"py-{uuid.uuid4().hex[:12]}", help="name of the repo to create (default: random)")
    args = ap.parse_args()

    with tempfile.TemporaryDirectory(prefix="strata-py-") as tmp:
        try:
            pb, pb_grpc = generate(os.path.abspath(args.proto), tmp)
        except Mismatch as e:
            print(f"FAIL generate: {e}", file=sys.stderr)
            return 2
        with grpc.insecure_channel(args.address) as channel:
            try:
                grpc.channel_ready_future(channel).result(timeout=10)
            except grpc.FutureTimeoutError:
                print(f"FAIL connect: no gRPC server at {args.address} within 10 s", file=sys.stderr)
                return 2
            step("connect", args.address)
            try:
                roundtrip(pb_grpc.PfsServiceStub(channel), pb, args.repo)
            except Mismatch as e:
                print(f"FAIL {e}", file=sys.stderr)
                return 1
            except grpc.RpcError as e:
                print(f"FAIL unexpected {e.code().name}: {e.details()} {dict(e.trailing_metadata() or ())}", file=sys.stderr)
                return 1
    print("round trip ok", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
