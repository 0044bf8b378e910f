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
#   SC_TEST_REGISTRY_STORAGE  the registry's storage folder (registry.sh's env file); needed for
#             hostile-digest, whose layer blob is tampered in storage after the push (see below).
#             When unset, the storage of a docker-registry process serving REGISTRY's port is used.
#
# hostile-digest: after the push, eng/testbed/tamper-blob.sh flips four bytes of its hostile
# layer's blob in the registry's storage, so GET /v2/base/hostile-digest/blobs/<digest> serves
# bytes whose sha256 is not <digest> (same size). This script then checks that with curl.
# Re-running is safe: the tamper is idempotent, and the registry never re-receives the blob
# (it already "has" the digest), so a tampered registry stays tampered until it is stopped.
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

# The storage folder of the registry serving $registry: the env's, else found through the
# config file of the docker-registry process listening on that port.
registry_storage() {
  if [ -n "${SC_TEST_REGISTRY_STORAGE:-}" ] &&
     { [ -z "${SC_TEST_REGISTRY:-}" ] || [ "$SC_TEST_REGISTRY" = "$registry" ]; }; then
    echo "$SC_TEST_REGISTRY_STORAGE"; return
  fi
  local port=${registry##*:} p config
  for p in /proc/[0-9]*; do
    [ "$(cat "$p/comm" 2>/dev/null)" = docker-registry ] || continue
    config=$(tr '\0' '\n' <"$p/cmdline" 2>/dev/null | sed -n 3p)
    case $config in /*) ;; *) config="$(readlink "$p/cwd" || true)/$config" ;; esac  # relative to its cwd
    [ -f "$config" ] && grep -E "^  addr: [^ ]*:$port\$" "$config" >/dev/null || continue
    sed -n 's/^    rootdirectory: //p' "$config"; return
  done
}

# Tamper the blobs of fixtures that ask for it (hostile: "digest") and prove the registry now
# serves bytes that do not match their digest.
for name in $names; do
  read -r hostile repository layer < <(jq -r --arg n "$name" \
    '.fixtures[$n] | "\(.hostile // "-") \(.repository) \(.hostileLayer // "-")"' "$facts")
  [ "$hostile" = digest ] || continue
  storage=$(registry_storage)
  [ -n "$storage" ] && [ -d "$storage" ] ||
    die "$name: cannot find $registry's storage to tamper its layer; export SC_TEST_REGISTRY_STORAGE (registry.sh env)"
  "$here/tamper-blob.sh" "$storage" "$layer"
  served=sha256:$(curl -sfL --max-time 10 "${curl_auth[@]}" "http://$registry/v2/$repository/blobs/$layer" |
    sha256sum | cut -d' ' -f1) || die "$name: GET of blob $layer failed"
  [ "$served" != "$layer" ] || die "$name: registry still serves $layer intact after tampering"
  log "$repository: layer $layer tampered; registry serves $served"
done
log "done in $((SECONDS - start)) s"
