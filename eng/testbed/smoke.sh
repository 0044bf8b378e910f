#!/usr/bin/env bash
# Proves the test bed end to end with the plain SDK (no SecureContainers package involved):
# fixtures -> fresh registry -> push -> `dotnet publish -t:PublishContainer` on base/aspnet:10.0 ->
# podman run -> HTTP answer and process uid 1654 -> multi-RID publish over base/multi:10.0 ->
# registry holds an index with linux/amd64 and windows/amd64 manifests.
# Everything it starts (registry, container) is stopped on exit.
#
# Usage: eng/testbed/smoke.sh        (KEEP=1 keeps the temp project folder)
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

work=$(mktemp -d "${TMPDIR:-/tmp}/testbed-smoke.XXXXXX")
container="testbed-smoke-$$"
cleanup() {
  podman rm -f "$container" >/dev/null 2>&1 || true
  "$here/registry.sh" stop "$work/registry" >/dev/null 2>&1 || true
  [ "${KEEP:-0}" = 1 ] || rm -rf "$work"
}
trap cleanup EXIT

step() { echo "smoke: [$((SECONDS - t0)) s] $*" >&2; }
die() { echo "smoke: FAILED: $*" >&2; exit 1; }
t0=$SECONDS

"$here/build-fixtures.sh"
step "fixtures ready"
"$here/registry.sh" start "$work/registry"
# shellcheck disable=SC1091
set -a; source "$work/registry/env"; set +a  # exported: push-fixtures.sh tampers in ..._STORAGE
reg=$SC_TEST_REGISTRY
"$here/push-fixtures.sh" "$reg"
step "fixtures pushed to $reg"

mkdir -p "$work/web" && cd "$work/web"
dotnet new web -f net10.0 -n web -o . >/dev/null
dotnet publish -t:PublishContainer -p:ContainerBaseImage="$reg/base/aspnet:10.0" \
  -p:ContainerRegistry="$reg" -p:ContainerRepository=probe/web >"$work/publish.log" 2>&1 ||
  { tail -n 30 "$work/publish.log" >&2; die "single-RID publish"; }
step "published $reg/probe/web:latest"

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
podman --cgroup-manager=cgroupfs run --runtime runc -d --name "$container" \
  --ulimit nofile=1024:1024 --ulimit nproc=4096:4096 --tls-verify=false \
  -p "127.0.0.1:$port:8080" "$reg/probe/web:latest" >/dev/null 2>"$work/podman.err" ||
  { cat "$work/podman.err" >&2; die "podman run"; }
body=""
for _ in $(seq 1 100); do
  body=$(curl -s --max-time 1 "http://127.0.0.1:$port/" || true)
  [ -n "$body" ] && break
  sleep 0.2
done
[ "$body" = "Hello World!" ] || { podman logs "$container" >&2 || true; die "no HTTP answer (got '$body')"; }
# No shell or ps in the image: read the uid of the container's init process from the host's /proc.
pid=$(podman inspect "$container" --format '{{.State.Pid}}')
uid=$(awk '/^Uid:/ { print $2 }' "/proc/$pid/status")
[ "$uid" = 1654 ] || die "app runs as uid $uid, expected 1654"
step "container answered '$body' as uid $uid"
podman rm -f "$container" >/dev/null

# MSBuild takes the quoted form; "linux-x64%3Bwin-x64" reaches the inner builds as one RID (NETSDK1083).
dotnet publish -t:PublishContainer '-p:RuntimeIdentifiers="linux-x64;win-x64"' \
  -p:ContainerBaseImage="$reg/base/multi:10.0" -p:ContainerRegistry="$reg" \
  -p:ContainerRepository=probe/multi >"$work/publish-multi.log" 2>&1 ||
  { tail -n 30 "$work/publish-multi.log" >&2; die "multi-RID publish"; }
platforms=$(skopeo inspect --tls-verify=false --raw "docker://$reg/probe/multi:latest" |
  jq -r '[.mediaType] + [.manifests[] | "\(.platform.os)/\(.platform.architecture)"] | join(" ")')
[ "$platforms" = "application/vnd.oci.image.index.v1+json linux/amd64 windows/amd64" ] ||
  die "probe/multi:latest is '$platforms'"
step "multi-RID publish gave an index: $platforms"
echo "smoke: OK in $((SECONDS - t0)) s" >&2
