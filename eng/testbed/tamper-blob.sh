#!/usr/bin/env bash
# Corrupts one blob inside a running Distribution registry's filesystem storage, so the registry
# serves bytes whose sha256 is not the digest it is asked for (the size stays the same, so HEAD
# and Content-Length still agree with the manifest). Used for the hostile-digest fixture: clients
# must verify what they download.
#
# Usage: eng/testbed/tamper-blob.sh STORAGE DIGEST
#   STORAGE  the registry's storage root (SC_TEST_REGISTRY_STORAGE in registry.sh's env file)
#   DIGEST   sha256:<hex> of the blob to corrupt
#   OFFSET   (env) first byte to flip; default 4 for gzip blobs, else the middle of the blob
#
# For a gzip blob the four bytes at offset 4 are the gzip header's MTIME field: after the flip the
# blob is still a valid gzip stream that inflates to the same tar, so a digest check is the only
# thing that can notice. Idempotent: a blob whose bytes already differ from DIGEST is left alone
# (flipping again would restore it).
#
# Distribution keeps blobs content-addressed and shared by every repository, so tamper only blobs
# no other image uses. The registry reads the file on every GET (no blob content cache is
# configured by registry.sh), so the change is visible at once.
set -euo pipefail

die() { echo "tamper-blob: ERROR: $*" >&2; exit 1; }

[ $# -eq 2 ] || die "usage: $0 STORAGE DIGEST"
storage=$1 digest=$2
case $digest in sha256:*) ;; *) die "DIGEST must be sha256:<hex>, got $digest" ;; esac
hex=${digest#sha256:}
[[ $hex =~ ^[0-9a-f]{64}$ ]] || die "malformed digest $digest"
data="$storage/docker/registry/v2/blobs/sha256/${hex:0:2}/$hex/data"
[ -f "$data" ] || die "no blob $digest in $storage (expected $data)"

if [ "$(sha256sum "$data" | cut -d' ' -f1)" != "$hex" ]; then
  echo "tamper-blob: $digest already tampered" >&2
  exit 0
fi

size=$(stat -c %s "$data")
if [ -z "${OFFSET:-}" ]; then
  if [ "$(head -c2 "$data" | od -An -tx1 | tr -d ' ')" = 1f8b ] && [ "$size" -gt 8 ]; then
    OFFSET=4
  else
    OFFSET=$((size / 2))
  fi
fi
count=$(( size - OFFSET < 4 ? size - OFFSET : 4 ))
[ "$count" -gt 0 ] || die "OFFSET $OFFSET is beyond the blob's $size bytes"

# Invert `count` bytes in place (XOR 0xff), opening the file r+b so its size is kept.
python3 - "$data" "$OFFSET" "$count" <<'EOF'
import sys
path, off, n = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
with open(path, "r+b") as f:
    f.seek(off)
    b = f.read(n)
    f.seek(off)
    f.write(bytes(x ^ 0xFF for x in b))
EOF
[ "$(stat -c %s "$data")" = "$size" ] || die "size of $data changed"
echo "tamper-blob: flipped $count byte(s) at offset $OFFSET of $digest ($size bytes)" >&2
