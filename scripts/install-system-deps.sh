#!/usr/bin/env bash
# Installs the Debian packages Strata needs and a fresh machine may lack:
# FUSE libraries for mounts, bubblewrap for `strata run` (/pfs in a mount
# namespace), Python gRPC for the Python client round trip
# (test/e2e/python-roundtrip.test.ts), zsh and fish for the completion scripts
# (test/e2e/cli-version.test.ts), openssl (test certificates of test/e2e/auth-tls.test.ts), etcd (etcd-server: the etcd MetaStore and
# several-server tests start their own), the S3 clients the gateway's tests
# drive (test/e2e/s3-*.test.ts: aws cli v2, boto3, s3cmd, rclone, s3fs-fuse),
# nginx-light (test/e2e/scale-nginx.test.ts runs deploy/compose/nginx.conf
# in front of two servers), Chromium for the console's browser tests (playwright-core drives it; no
# browser is downloaded), and the reference tools the benchmarks compare
# against. Safe to run repeatedly; does nothing when all are present.
# Usage: scripts/install-system-deps.sh [test|ci|bench]   (ci = test + docker-compose to validate docker-compose.yml)
set -euo pipefail
want=(libfuse2 fuse3 git)
case "${1:-test}" in test|ci) want+=(bubblewrap python3-grpcio python3-grpc-tools awscli python3-boto3 s3cmd rclone s3fs chromium etcd-server nginx-light zsh fish openssl) ;; esac
if [ "${1:-test}" = ci ]; then want+=(docker-compose); fi
if [ "${1:-test}" = bench ]; then want+=(restic borgbackup git-lfs awscli fio); fi
missing=()
for pkg in "${want[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
  echo "strata: missing system packages: ${missing[*]} (run as root, or: sudo apt-get install ${missing[*]})" >&2
  exit 1
fi
echo "strata: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
