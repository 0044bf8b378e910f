#!/usr/bin/env bash
# Pushes every fixture built by build-fixtures.sh to a registry as REGISTRY/base/<name>:<tag>,
# keeping digests exactly (so fixtures.json stays true for the pushed copies). Indexes are
# copied with all their platform manifests. A fixture already present with the expected
# digest is skipped.
#
# Usage: eng/testbed/push-fixtures.sh REGISTRY [OUTDIR]
#   REGISTRY  e.g. localhost:5000 (plain HTTP)
#   OUTDIR    default <repo>/artifacts/testbed/oci
#   SC_TEST_REGISTRY_USER / SC_TEST_REGISTRY_PASSWORD: credentials for a registry with basic auth
#   FIXTURES="aspnet multi"  push only these fixtures
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)

log() { echo "push-fixtures: $*" >&2; }
die() { echo "push-fixtures: ERROR: $*" >&2; exit 1; }

[ $# -ge 1 ] || die "usage: $0 REGISTRY [OUTDIR]"
registry=$1
out=${2:-$repo/artifacts/testbed/oci}
facts="$out/fixtures.json"
[ -f "$facts" ] || die "$facts not found; run eng/testbed/build-fixtures.sh first"

creds=()
curl_auth=()
if [ -n "${SC_TEST_REGISTRY_USER:-}" ]; then
  creds=(--dest-creds "$SC_TEST_REGISTRY_USER:${SC_TEST_REGISTRY_PASSWORD:-}")
  curl_auth=(-u "$SC_TEST_REGISTRY_USER:${SC_TEST_REGISTRY_PASSWORD:-}")
fi

accept="application/vnd.oci.image.index.v1+json,application/vnd.oci.image.manifest.v1+json"
accept+=",application/vnd.docker.distribution.manifest.list.v2+json,application/vnd.docker.distribution.manifest.v2+json"

remote_digest() { # repository tag -> digest the registry serves for it ("" if none)
  curl -s -I --max-time 5 "${curl_auth[@]}" -H "Accept: $accept" "http://$registry/v2/$1/manifests/$2" |
    tr -d '\r' | sed -n 's/^[Dd]ocker-[Cc]ontent-[Dd]igest: //p'
}

# Logs go to a private temp folder: several test runs may push the same OUTDIR at once.
logs=$(mktemp -d "${TMPDIR:-/tmp}/testbed-push.XXXXXX")
trap 'rm -rf "$logs"' EXIT

names=${FIXTURES:-$(jq -r '.fixtures | keys_unsorted[]' "$facts")}
start=$SECONDS
pids=()
for name in $names; do
  read -r layout tag repository digest < <(jq -r --arg n "$name" \
    '.fixtures[$n] | "\(.layout) \(.tag) \(.repository) \(.digest)"' "$facts")
  [ "$layout" != null ] || die "no fixture named $name in $facts"
  if [ "$(remote_digest "$repository" "$tag")" = "$digest" ]; then
    log "$repository:$tag already at $digest"
    continue
  fi
  # Fixtures are independent, so push them concurrently; each logs to its own file.
  (
    skopeo copy -q --all --preserve-digests --dest-tls-verify=false "${creds[@]}" \
      "oci:$out/$layout:$tag" "docker://$registry/$repository:$tag" >"$logs/$name.log" 2>&1 ||
      { cat "$logs/$name.log" >&2; exit 1; }
    got=$(remote_digest "$repository" "$tag")
    [ "$got" = "$digest" ] || { echo "push-fixtures: ERROR: $repository:$tag is $got, expected $digest" >&2; exit 1; }
    echo "push-fixtures: pushed $registry/$repository:$tag ($digest)" >&2
  ) &
  pids+=($!)
done
failed=0
for pid in "${pids[@]}"; do wait "$pid" || failed=1; done
[ $failed = 0 ] || die "some pushes failed"
log "done in $((SECONDS - start)) s"
