#!/usr/bin/env bash
# Whole-publish overhead (issue 14's budgets: a secure publish within 10% of a plain PublishContainer on a loopback
# registry, within 12% with 30 ms round trips). Times `dotnet publish -t:PublishContainer` of an app with
# SecureContainerEnabled=false and =true against the same registry and base image, after a first publish of each mode
# has restored packages, filled the layer scan cache and pushed the base layers, so every timed run is warm:
# --no-restore, incremental compile, cached scan. Each mode pushes to its own repository with the same tag.
#
# Two apps: "realistic" (bench/RealisticApi: an ASP.NET Core web API with 12 direct and 37 restored packages, from
# the NuGet source) and "sample" (samples/AspNetApi, one package). Three cases: "loopback" (the registry itself),
# "remote" (the same registry behind bench/delay-proxy.py, a delay line adding BENCH_DELAY_MS each way) and "cold"
# (loopback, with the layer scan cache emptied before every secure run: the first publish on a new machine or base,
# restore done, base layers downloaded and scanned; issue 14's budget is plain + 1.0 s).
# The proxy also logs every request with its time, so the remote case prints the request count per mode and what the
# secure mode asks for beyond the plain one, and KEEP=1 keeps each mode's last run as a timeline (ms since the command
# started, then the request): where the secure mode's extra time falls, before, during or after the SDK's push.
#
# Usage: bench/publish-bench.sh [RUNS]         (default 10 runs per mode; needs the test bed: eng/testbed/build-fixtures.sh)
# Env:   BENCH_APPS="realistic"          apps to time: realistic, sample (space-separated)
#        BENCH_CASES="loopback remote"   cases to time (loopback, remote, cold)
#        BENCH_DELAY_MS=15               one-way delay of the remote case (15 ms each way: a 30 ms round trip)
#        BENCH_SECURE_ARGS=""            extra arguments for the secure mode (e.g. -p:SecureContainerSigningKey=...)
#        BENCH_STATE=/tmp/bench-reg      registry and advisory feed state folders (started and stopped here)
#        KEEP=1                          keep the temp folder (app copies, feed, logs, request traces)
# Runs the two modes interleaved and reports wall and CPU time. Build servers are
# disabled (--disable-build-servers) so that no MSBuild node outlives the script or is shared with other builds;
# each run therefore pays MSBuild's and the tasks' start-up, in both modes alike.
set -euo pipefail

runs=${1:-10}
apps=${BENCH_APPS:-realistic}
cases=${BENCH_CASES:-loopback remote}
delay_ms=${BENCH_DELAY_MS:-15}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/.." && pwd)
state=${BENCH_STATE:-/tmp/bench-reg}
tmp=$(mktemp -d /tmp/publish-bench.XXXXXX)
proxy_pid=""

cleanup() {
  [ -z "$proxy_pid" ] || kill "$proxy_pid" 2>/dev/null || true
  bash "$repo/eng/testbed/registry.sh" stop "$state" >/dev/null 2>&1 || true
  bash "$repo/eng/testbed/nuget-feed/serve.sh" stop "$state-feed" >/dev/null 2>&1 || true
  if [ "${KEEP:-0}" = 1 ]; then echo "kept $tmp"; else rm -rf "$tmp"; fi
}
trap cleanup EXIT

[ -f "$repo/artifacts/testbed/oci/fixtures.json" ] || bash "$repo/eng/testbed/build-fixtures.sh"

bash "$repo/eng/testbed/registry.sh" start "$state" >/dev/null
# shellcheck disable=SC1091
. "$state/env"
loopback=$SC_TEST_REGISTRY
FIXTURES="aspnet" bash "$repo/eng/testbed/push-fixtures.sh" "$loopback" >/dev/null
# The content gate's NuGet advisory check reads the auditSources of nuget.config: point it at the test bed's loopback
# advisory feed, so the timings never depend on nuget.org's latency (as the end-to-end tests do).
bash "$repo/eng/testbed/nuget-feed/serve.sh" start "$state-feed" >/dev/null
# shellcheck disable=SC1091
. "$state-feed/env"

# The remote registry: the same one behind the delay line, named localhost:PORT so the SDK still speaks plain HTTP.
python3 "$here/delay-proxy.py" "${loopback##*:}" "$delay_ms" "$tmp/requests.log" "$tmp/proxy.port" 2>"$tmp/proxy.err" &
proxy_pid=$!
for _ in $(seq 1 50); do [ -s "$tmp/proxy.port" ] && break; sleep 0.1; done
remote="localhost:$(cat "$tmp/proxy.port")"
touch "$tmp/requests.log"

# A private feed and packages folder: artifacts/packages and ~/.nuget/packages stay untouched.
dotnet pack "$repo/src/SecureContainers.Build" -c Release -o "$tmp/feed" --artifacts-path "$tmp/art" -v:q -nologo >/dev/null
version=$(basename "$(ls "$tmp"/feed/SecureContainers.Build.*.nupkg)" .nupkg); version=${version#SecureContainers.Build.}

# One copy of the app per mode: each keeps its own obj/ and bin/, so that neither mode's outputs (labels, SBOMs,
# incremental-build state) can make the other rebuild, and the comparison is the package's cost alone. Both modes
# reference the package (the plain one switched off), so both restore the same graph.
make_app() { # APP MODE
  local src project app=$tmp/$1-$2
  case $1 in
    sample) src=$repo/samples/AspNetApi ;;
    realistic) src=$here/RealisticApi ;;
    *) echo "unknown app $1"; exit 2 ;;
  esac
  cp -r "$src" "$app"
  rm -rf "$app/bin" "$app/obj"
  project=$(ls "$app"/*.csproj)
  grep -q 'Include="SecureContainers.Build"' "$project" ||
    sed -i "s|<ItemGroup>|<ItemGroup>\n    <PackageReference Include=\"SecureContainers.Build\" Version=\"$version\" PrivateAssets=\"all\" />|" "$project"
  sed -i "s|Include=\"SecureContainers.Build\" Version=\"[^\"]*\"|Include=\"SecureContainers.Build\" Version=\"$version\"|" "$project"
  cat > "$app/nuget.config" <<EOF
<?xml version="1.0" encoding="utf-8"?>
<configuration>
  <packageSources>
    <clear />
    <add key="bench" value="$tmp/feed" />
    <add key="nuget.org" value="https://api.nuget.org/v3/index.json" protocolVersion="3" />
  </packageSources>
  <auditSources>
    <clear />
    <add key="advisories" value="$SC_TEST_NUGET_FEED" allowInsecureConnections="true" />
  </auditSources>
</configuration>
EOF
  cat > "$app/Directory.Build.props" <<EOF
<Project>
  <ItemGroup>
    <SecureContainerTrustedBaseImage Include="$loopback/base/*" />
    <SecureContainerTrustedBaseImage Include="$remote/base/*" />
  </ItemGroup>
</Project>
EOF
}

export NUGET_PACKAGES="$tmp/nuget-packages" DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 MSBUILDDISABLENODEREUSE=1

echo "# $(date -u +%F) $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg), dotnet $(dotnet --version), $runs runs per mode"
for app in $apps; do
  make_app "$app" plain
  make_app "$app" secure
  for case in $cases; do
    case $case in
      loopback) reg=$loopback cache=$tmp/layer-cache before="" ;;
      remote) reg=$remote cache=$tmp/layer-cache before="" ;;
      cold) reg=$loopback cache=$tmp/layer-cache-cold before="rm -rf $tmp/layer-cache-cold" ;;
      *) echo "unknown case $case"; exit 2 ;;
    esac
    common="-t:PublishContainer -c Release --disable-build-servers -v:q -nologo \
 -p:ContainerBaseImage=$reg/base/aspnet:10.0 -p:ContainerRegistry=$reg -p:ContainerImageTag=bench \
 -p:SecureContainerCacheDirectory=$cache"
    plain="dotnet publish $(ls "$tmp/$app-plain"/*.csproj) $common -p:SecureContainerEnabled=false -p:ContainerRepository=bench/plain --no-restore"
    secure="dotnet publish $(ls "$tmp/$app-secure"/*.csproj) $common -p:SecureContainerEnabled=true -p:ContainerRepository=bench/secure ${BENCH_SECURE_ARGS:-} --no-restore"

    # First publish of each mode: restore, first compile, base layers pushed, layer scan cache filled.
    ${plain% --no-restore} > "$tmp/first-$app-$case-plain.log" 2>&1 || { cat "$tmp/first-$app-$case-plain.log"; exit 1; }
    ${secure% --no-restore} > "$tmp/first-$app-$case-secure.log" 2>&1 || { cat "$tmp/first-$app-$case-secure.log"; exit 1; }
    # Prove the secure mode really ran the gate and wrote an SBOM (a silently disabled package would flatter the ratio).
    find "$tmp/$app-secure/bin" -name '*.cdx.json' | grep -q . || { echo "no SBOM written by the secure publish; see $tmp/first-$app-$case-secure.log"; KEEP=1; exit 1; }

    echo "## $app app, $case registry ($reg$([ "$case" = remote ] && echo ", +$delay_ms ms each way")), load average $(cut -d' ' -f1-3 /proc/loadavg)"
    # Interleaved (plain, secure, plain, secure, ...) after two warm-up pairs, so that load from elsewhere on the machine
    # hits both modes alike; hyperfine would time all plain runs first. CPU time is user+sys of the whole process tree.
    python3 - "$runs" "$plain" "$secure" "$tmp/requests.log" "$tmp/trace-$app-$case" "$before" <<'EOF'
import collections, os, re, resource, shlex, statistics as st, subprocess, sys, time
runs, cmds, log, trace = int(sys.argv[1]), {"plain": shlex.split(sys.argv[2]), "secure": shlex.split(sys.argv[3])}, sys.argv[4], sys.argv[5]
before = sys.argv[6]  # run, untimed, before each secure run (the cold case empties the layer scan cache)
def lines():
    with open(log) as f: return f.read().splitlines()
def once(cmd):
    if before and cmd is cmds["secure"]:
        subprocess.run(before, shell=True, check=True)
    seen = len(lines())
    c0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0, m0 = time.perf_counter(), time.monotonic()
    subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    t1, m1 = time.perf_counter(), time.monotonic()
    c1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    time.sleep(0.2)  # the proxy logs a request when its head arrives; let the last ones land
    # Each request as (ms since the command started, "METHOD TARGET"): the proxy stamps them with the same monotonic clock.
    reqs = [(1000 * (float(at) - m0), req) for at, req in (l.split(" ", 1) for l in lines()[seen:])]
    return t1 - t0, (c1.ru_utime - c0.ru_utime) + (c1.ru_stime - c0.ru_stime), reqs + [(1000 * (m1 - m0), "(the command ended)")]
for _ in range(2):
    for m in cmds: once(cmds[m])
wall, cpu, reqs, last = ({m: [] for m in cmds} for _ in range(4))
for _ in range(runs):
    for m in cmds:
        w, c, r = once(cmds[m]); wall[m].append(w); cpu[m].append(c); reqs[m].append(len(r) - 1); last[m] = r
for m in cmds:
    q = st.quantiles(wall[m], n=4) if len(wall[m]) > 1 else [wall[m][0]] * 3
    print(f"{m:6} wall median {st.median(wall[m]):.2f} s (quartiles {q[0]:.2f}-{q[2]:.2f}, min {min(wall[m]):.2f}); CPU median {st.median(cpu[m]):.2f} s"
          + (f"; {st.median(reqs[m]):.0f} registry requests" if max(reqs[m]) else ""))
pairs = [s / p for p, s in zip(wall["plain"], wall["secure"])]
cpairs = [s / p for p, s in zip(cpu["plain"], cpu["secure"])]
pq = st.quantiles(pairs, n=4) if len(pairs) > 1 else [pairs[0]] * 3
print(f"secure / plain: wall {st.median(pairs):.3f} (median of pairs; quartiles {pq[0]:.3f}-{pq[2]:.3f}), "
      f"{st.median(wall['secure']) / st.median(wall['plain']):.3f} (ratio of medians); CPU {st.median(cpairs):.3f} (median of pairs)")
print(f"secure - plain: wall {st.median(wall['secure']) - st.median(wall['plain']):.3f} s, CPU {st.median(cpu['secure']) - st.median(cpu['plain']):.3f} s (medians)")
if max(reqs["secure"]):
    # What the secure mode asks for beyond the plain one, by method and kind of path (digests and uuids folded).
    kind = lambda r: re.sub(r"sha256[:-][0-9a-f]{64}", "<digest>", re.sub(r"/uploads/[^/?]+", "/uploads/<id>", r.split("?")[0]))
    extra = collections.Counter(kind(r) for _, r in last["secure"][:-1]) - collections.Counter(kind(r) for _, r in last["plain"][:-1])
    print("requests of the secure mode beyond the plain one (last run): " + ", ".join(f"{n}x {k}" for k, n in sorted(extra.items())))
    for m in cmds:
        with open(f"{trace}-{m}.txt", "w") as f: f.write("".join(f"{at:7.0f} ms  {r}\n" for at, r in last[m]))
EOF
  done
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"

# Where the secure mode's extra time goes: one more run of each (last app, last case) with MSBuild's performance summary.
$secure -v:n -clp:PerformanceSummary > "$tmp/secure-perf.log" 2>&1
$plain -v:n -clp:PerformanceSummary > "$tmp/plain-perf.log" 2>&1
echo "SecureContainers targets and tasks (and the SDK's CreateNewImage) in one warm secure run (MSBuild performance summary):"
grep -E '^\s+[0-9]+ ms\s+(_?SecureContainer\w*|CheckSecureContainer|WriteContainerEvidence|CreateImageIndex|CreateNewImage|PublishContainer)\s' "$tmp/secure-perf.log" | sort -u | sed 's/^/  /' || true
echo "whole build (Time Elapsed): secure $(grep -m1 'Time Elapsed' "$tmp/secure-perf.log" | awk '{print $3}'), plain $(grep -m1 'Time Elapsed' "$tmp/plain-perf.log" | awk '{print $3}')"
