"""Drives the Strata S3 gateway with boto3 (test/e2e/s3-boto3.test.ts).

Usage: boto3_steps.py ENDPOINT BUCKET. Credentials come from the environment.
Each step asserts what it reads back and prints one JSON line
{"step": ..., ...}; the test then checks the Strata commit history.
"""
import json
import os
import sys
import urllib.request

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

endpoint, bucket = sys.argv[1], sys.argv[2]
s3 = boto3.client("s3", endpoint_url=endpoint, config=Config(signature_version="s3v4", s3={"addressing_style": "path"}, retries={"max_attempts": 1}))


def step(name, **data):
    print(json.dumps({"step": name, **data}), flush=True)


def error_code(fn):
    try:
        fn()
    except ClientError as e:
        return e.response["Error"]["Code"]
    raise AssertionError("expected an error")


s3.create_bucket(Bucket=bucket)
step("create_bucket")

body = os.urandom(300_000)
put = s3.put_object(Bucket=bucket, Key="data/blob.bin", Body=body)
got = s3.get_object(Bucket=bucket, Key="data/blob.bin")
assert got["Body"].read() == body
assert got["ETag"] == put["ETag"]
step("put_get", etag=put["ETag"], version=put.get("VersionId"))

part = s3.get_object(Bucket=bucket, Key="data/blob.bin", Range="bytes=1000-1999")
assert part["ContentRange"] == "bytes 1000-1999/300000", part["ContentRange"]
assert part["Body"].read() == body[1000:2000]
tail = s3.get_object(Bucket=bucket, Key="data/blob.bin", Range="bytes=-10")["Body"].read()
assert tail == body[-10:]
assert error_code(lambda: s3.get_object(Bucket=bucket, Key="data/blob.bin", Range="bytes=400000-")) == "InvalidRange"
assert error_code(lambda: s3.get_object(Bucket=bucket, Key="data/blob.bin", IfNoneMatch=put["ETag"])) == "304"
assert error_code(lambda: s3.get_object(Bucket=bucket, Key="data/blob.bin", IfMatch='"nope"')) == "PreconditionFailed"
assert error_code(lambda: s3.get_object(Bucket=bucket, Key="data/missing")) == "NoSuchKey"
assert error_code(lambda: s3.get_object(Bucket="nosuchrepo", Key="x")) == "NoSuchBucket"
step("range_and_conditionals")

for i in range(7):
    s3.put_object(Bucket=bucket, Key=f"list/k{i}", Body=b"%d" % i)
pages = list(s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix="list/", PaginationConfig={"PageSize": 3}))
keys = [o["Key"] for p in pages for o in p.get("Contents", [])]
assert keys == [f"list/k{i}" for i in range(7)], keys
assert len(pages) == 3
v1 = list(s3.get_paginator("list_objects").paginate(Bucket=bucket, Prefix="list/", PaginationConfig={"PageSize": 2}))
assert [o["Key"] for p in v1 for o in p.get("Contents", [])] == keys
step("list_paging", pages=len(pages))

url = s3.generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": "data/blob.bin"}, ExpiresIn=600)
with urllib.request.urlopen(url) as r:
    assert r.read() == body
put_url = s3.generate_presigned_url("put_object", Params={"Bucket": bucket, "Key": "presigned/up.txt"}, ExpiresIn=600)
req = urllib.request.Request(put_url, data=b"sent with a presigned URL", method="PUT")
with urllib.request.urlopen(req) as r:
    assert r.status == 200
assert s3.get_object(Bucket=bucket, Key="presigned/up.txt")["Body"].read() == b"sent with a presigned URL"
tampered = url.replace("data/blob.bin", "data/other.bin")
try:
    urllib.request.urlopen(tampered)
    raise AssertionError("a tampered presigned URL was accepted")
except urllib.error.HTTPError as e:
    assert e.code == 403 and b"SignatureDoesNotMatch" in e.read()
step("presigned")

res = s3.delete_objects(Bucket=bucket, Delete={"Objects": [{"Key": "list/k0"}, {"Key": "list/k1"}, {"Key": "list/none"}]})
assert sorted(d["Key"] for d in res["Deleted"]) == ["list/k0", "list/k1", "list/none"]
left = [o["Key"] for o in s3.list_objects_v2(Bucket=bucket, Prefix="list/")["Contents"]]
assert left == [f"list/k{i}" for i in range(2, 7)], left
step("delete_objects")

s3.copy_object(Bucket=bucket, Key="data/copy.bin", CopySource={"Bucket": bucket, "Key": "data/blob.bin"})
assert s3.get_object(Bucket=bucket, Key="data/copy.bin")["Body"].read() == body
step("copy")

parts_data = [os.urandom(5 << 20), os.urandom(5 << 20), os.urandom(123_456)]
mpu = s3.create_multipart_upload(Bucket=bucket, Key="multi/file.bin")
uid = mpu["UploadId"]
etags = []
for n, data in enumerate(parts_data, start=1):
    etags.append(s3.upload_part(Bucket=bucket, Key="multi/file.bin", UploadId=uid, PartNumber=n, Body=data)["ETag"])
listed = s3.list_parts(Bucket=bucket, Key="multi/file.bin", UploadId=uid)["Parts"]
assert [p["PartNumber"] for p in listed] == [1, 2, 3]
assert [p["Size"] for p in listed] == [len(d) for d in parts_data]
uploads = s3.list_multipart_uploads(Bucket=bucket).get("Uploads", [])
assert [u["UploadId"] for u in uploads] == [uid]
assert error_code(lambda: s3.get_object(Bucket=bucket, Key="multi/file.bin")) == "NoSuchKey"
s3.complete_multipart_upload(Bucket=bucket, Key="multi/file.bin", UploadId=uid,
                             MultipartUpload={"Parts": [{"PartNumber": n, "ETag": e} for n, e in enumerate(etags, start=1)]})
assert s3.get_object(Bucket=bucket, Key="multi/file.bin")["Body"].read() == b"".join(parts_data)
gone = s3.create_multipart_upload(Bucket=bucket, Key="multi/aborted.bin")["UploadId"]
s3.upload_part(Bucket=bucket, Key="multi/aborted.bin", UploadId=gone, PartNumber=1, Body=b"never lands")
s3.abort_multipart_upload(Bucket=bucket, Key="multi/aborted.bin", UploadId=gone)
assert error_code(lambda: s3.list_parts(Bucket=bucket, Key="multi/aborted.bin", UploadId=gone)) == "NoSuchUpload"
step("multipart")

versions = s3.list_object_versions(Bucket=bucket, Prefix="list/k0")
assert [d["Key"] for d in versions.get("DeleteMarkers", [])] == ["list/k0"]
assert [v["Key"] for v in versions.get("Versions", [])] == ["list/k0"]
old = versions["Versions"][0]["VersionId"]
assert s3.get_object(Bucket=bucket, Key="list/k0", VersionId=old)["Body"].read() == b"0"
step("versions")

# Metadata, non-ASCII included (sent as UTF-8 bytes, as s3-tests does), and conditional writes by ETag
# (headers added by hand: older boto3 has no IfMatch parameter and refuses non-ASCII metadata).
def with_headers(headers, fn):
    add = lambda params, **kwargs: params["headers"].update(headers)
    s3.meta.events.register("before-call.s3.PutObject", add)
    try:
        return fn()
    finally:
        s3.meta.events.unregister("before-call.s3.PutObject", add)


with_headers({"x-amz-meta-note": "Hello World\u00e9"}, lambda: s3.put_object(Bucket=bucket, Key="meta/m.txt", Body=b"m", ContentType="text/plain"))
head = s3.head_object(Bucket=bucket, Key="meta/m.txt")
assert head["ContentType"] == "text/plain" and head["Metadata"] == {"note": "Hello World\u00e9"}, head
etag = head["ETag"]
assert error_code(lambda: with_headers({"If-Match": '"other"'}, lambda: s3.put_object(Bucket=bucket, Key="meta/m.txt", Body=b"x"))) == "PreconditionFailed"
assert error_code(lambda: with_headers({"If-Match": "*"}, lambda: s3.put_object(Bucket=bucket, Key="meta/absent.txt", Body=b"x"))) == "NoSuchKey"
with_headers({"If-Match": etag}, lambda: s3.put_object(Bucket=bucket, Key="meta/m.txt", Body=b"m2"))
assert s3.get_object(Bucket=bucket, Key="meta/m.txt")["Body"].read() == b"m2"
step("metadata_conditional")

# Checksums and parts: a SHA256 multipart upload (boto3 computes each part's), read back part by part
# (PartsCount), its COMPOSITE checksum on HEAD and in get_object_attributes; a CRC32 put read back with
# ChecksumMode=ENABLED, which botocore verifies against the bytes it receives.
import base64
import hashlib
import zlib

mp_parts = [os.urandom(5 << 20), os.urandom(4321)]
up = s3.create_multipart_upload(Bucket=bucket, Key="parts/mp.bin", ChecksumAlgorithm="SHA256")["UploadId"]
sent = []
for n, data in enumerate(mp_parts, start=1):
    r = s3.upload_part(Bucket=bucket, Key="parts/mp.bin", UploadId=up, PartNumber=n, Body=data, ChecksumAlgorithm="SHA256")
    assert r["ChecksumSHA256"] == base64.b64encode(hashlib.sha256(data).digest()).decode(), r
    sent.append({"PartNumber": n, "ETag": r["ETag"], "ChecksumSHA256": r["ChecksumSHA256"]})
done = s3.complete_multipart_upload(Bucket=bucket, Key="parts/mp.bin", UploadId=up, MultipartUpload={"Parts": sent})
composite = base64.b64encode(hashlib.sha256(b"".join(hashlib.sha256(d).digest() for d in mp_parts)).digest()).decode() + "-2"
assert done["ChecksumSHA256"] == composite, done
for n, data in enumerate(mp_parts, start=1):
    got = s3.get_object(Bucket=bucket, Key="parts/mp.bin", PartNumber=n)
    assert got["PartsCount"] == 2 and got["Body"].read() == data
assert s3.head_object(Bucket=bucket, Key="parts/mp.bin", PartNumber=2)["ContentLength"] == 4321
assert error_code(lambda: s3.head_object(Bucket=bucket, Key="parts/mp.bin", PartNumber=3)) in ("416", "InvalidPartNumber")
assert s3.head_object(Bucket=bucket, Key="parts/mp.bin", ChecksumMode="ENABLED")["ChecksumSHA256"] == composite
attrs = s3.get_object_attributes(Bucket=bucket, Key="parts/mp.bin", ObjectAttributes=["ETag", "Checksum", "ObjectParts", "ObjectSize"])
assert attrs["ObjectSize"] == sum(len(d) for d in mp_parts) and attrs["Checksum"]["ChecksumSHA256"] == composite, attrs
assert attrs["ObjectParts"]["TotalPartsCount"] == 2, attrs
blob = os.urandom(200_000)
s3.put_object(Bucket=bucket, Key="parts/crc32.bin", Body=blob, ChecksumAlgorithm="CRC32")
got = s3.get_object(Bucket=bucket, Key="parts/crc32.bin", ChecksumMode="ENABLED")
assert got["ChecksumCRC32"] == base64.b64encode(zlib.crc32(blob).to_bytes(4, "big")).decode(), got
assert got["Body"].read() == blob
step("parts_checksums", checksum=got["ChecksumCRC32"])
