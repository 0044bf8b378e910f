#!/usr/bin/env bash
# Whole-publish overhead (issue 4's budget: a secure publish stays within 15% of a plain PublishContainer of the same
# sample, warm). Times `dotnet publish -t:PublishContainer` of samples/AspNetApi with SecureContainerEnabled=false and
# =true against the same local registry and base image, after a first publish of each mode has restored packages,
# filled the layer scan cache and pushed the base layers, so every timed run is warm: --no-restore, incremental
# compile, cached scan. Each mode pushes to its own repository with the same tag.
#
# Usage: bench/publish-bench.sh [RUNS]         (default 10 runs per mode; needs the test bed: eng/testbed/build-fixtures.sh)
# Env:   BENCH_STATE=/tmp/bench-reg  registry and advisory feed state folders (started and stopped here)
#        KEEP=1                      keep the temp folder (sample copy, feed, binlogs, results)
# Runs the two modes interleaved and reports wall and CPU time. Build servers are
# disabled (--disable-build-servers) so that no MSBuild node outlives the script or is shared with other builds;
# each run therefore pays MSBuild's and the tasks' start-up, in both modes alike.
set -euo pipefail

runs=${1:-10}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/.." && pwd)
state=${BENCH_STATE:-/tmp/bench-reg}
tmp=$(mktemp -d /tmp/publish-bench.XXXXXX)

cleanup() {
  bash "$repo/eng/testbed/registry.sh" stop "$state" >/dev/null 2>&1 || true
  bash "$repo/eng/testbed/nuget-feed/serve.sh" stop "$state-feed" >/dev/null 2>&1 || true
  if [ "${KEEP:-0}" = 1 ]; then echo "kept $tmp"; else rm -rf "$tmp"; fi
}
trap cleanup EXIT

[ -f "$repo/artifacts/testbed/oci/fixtures.json" ] || bash "$repo/eng/testbed/build-fixtures.sh"

bash "$repo/eng/testbed/registry.sh" start "$state" >/dev/null
# shellcheck disable=SC1091
. "$state/env"
reg=$SC_TEST_REGISTRY
FIXTURES="aspnet" bash "$repo/eng/testbed/push-fixtures.sh" "$reg" >/dev/null
# The content gate's NuGet advisory check reads the auditSources of nuget.config: point it at the test bed's loopback
# advisory feed, so the timings never depend on nuget.org's latency (as the end-to-end tests do).
bash "$repo/eng/testbed/nuget-feed/serve.sh" start "$state-feed" >/dev/null
# shellcheck disable=SC1091
. "$state-feed/env"

# A private feed and packages folder: artifacts/packages and ~/.nuget/packages stay untouched.
dotnet pack "$repo/src/SecureContainers.Build" -c Release -o "$tmp/feed" --artifacts-path "$tmp/art" -v:q -nologo >/dev/null

# One copy of the sample per mode: each keeps its own obj/ and bin/, so that neither mode's outputs (labels, SBOMs,
# incremental-build state) can make the other rebuild, and the comparison is the package's cost alone.
make_app() {
  local app=$1
  cp -r "$repo/samples/AspNetApi" "$app"
  rm -rf "$app/bin" "$app/obj"
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
    <SecureContainerTrustedBaseImage Include="$reg/base/*" />
  </ItemGroup>
</Project>
EOF
}
make_app "$tmp/plain"
make_app "$tmp/secure"

export NUGET_PACKAGES="$tmp/nuget-packages" DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 MSBUILDDISABLENODEREUSE=1
common="-t:PublishContainer -c Release --disable-build-servers -v:q -nologo \
 -p:ContainerBaseImage=$reg/base/aspnet:10.0 -p:ContainerRegistry=$reg -p:ContainerImageTag=bench \
 -p:SecureContainerCacheDirectory=$tmp/layer-cache"
plain="dotnet publish $tmp/plain/AspNetApi.csproj $common -p:SecureContainerEnabled=false -p:ContainerRepository=bench/plain --no-restore"
secure="dotnet publish $tmp/secure/AspNetApi.csproj $common -p:SecureContainerEnabled=true -p:ContainerRepository=bench/secure --no-restore"

# First publish of each mode: restore, first compile, base layers pushed, layer scan cache filled.
${plain% --no-restore} > "$tmp/first-plain.log" 2>&1 || { cat "$tmp/first-plain.log"; exit 1; }
${secure% --no-restore} > "$tmp/first-secure.log" 2>&1 || { cat "$tmp/first-secure.log"; exit 1; }
# Prove the secure mode really ran the gate and wrote an SBOM (a silently disabled package would flatter the ratio).
find "$tmp/secure/bin" -name '*.cdx.json' | grep -q . || { echo "no SBOM written by the secure publish; see $tmp/first-secure.log"; KEEP=1; exit 1; }

echo "# $(date -u +%F) $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg), dotnet $(dotnet --version), $runs runs per mode"
# Interleaved (plain, secure, plain, secure, ...) after two warm-up pairs, so that load from elsewhere on the machine
# hits both modes alike; hyperfine would time all plain runs first. CPU time is user+sys of the whole process tree.
python3 - "$runs" "$plain" "$secure" <<'EOF'
import os, resource, shlex, statistics as st, subprocess, sys, time
runs, cmds = int(sys.argv[1]), {"plain": shlex.split(sys.argv[2]), "secure": shlex.split(sys.argv[3])}
def once(cmd):
    c0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    t1 = time.perf_counter()
    c1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    return t1 - t0, (c1.ru_utime - c0.ru_utime) + (c1.ru_stime - c0.ru_stime)
for _ in range(2):
    for m in cmds: once(cmds[m])
wall, cpu = {m: [] for m in cmds}, {m: [] for m in cmds}
for _ in range(runs):
    for m in cmds:
        w, c = once(cmds[m]); wall[m].append(w); cpu[m].append(c)
for m in cmds:
    print(f"{m:6} wall {st.mean(wall[m]):.2f} s ± {st.stdev(wall[m]):.2f} (median {st.median(wall[m]):.2f}, min {min(wall[m]):.2f}); CPU {st.mean(cpu[m]):.2f} s (median {st.median(cpu[m]):.2f})")
r = lambda d, f: f(d["secure"]) / f(d["plain"])
print(f"secure / plain: wall {r(wall, st.mean):.3f} (mean), {r(wall, st.median):.3f} (median), {r(wall, min):.3f} (min); "
      f"CPU {r(cpu, st.mean):.3f} (mean), {r(cpu, st.median):.3f} (median); budget <= 1.15")
print(f"secure - plain: wall {st.median(wall['secure']) - st.median(wall['plain']):.3f} s, CPU {st.median(cpu['secure']) - st.median(cpu['plain']):.3f} s (medians)")
EOF
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"

# Where the secure mode's extra time goes: one more run of each with MSBuild's performance summary.
$secure -v:n -clp:PerformanceSummary > "$tmp/secure-perf.log" 2>&1
$plain -v:n -clp:PerformanceSummary > "$tmp/plain-perf.log" 2>&1
echo "SecureContainers targets and tasks (and the SDK's CreateNewImage) in one warm secure run (MSBuild performance summary):"
grep -E '^\s+[0-9]+ ms\s+(_?SecureContainer\w*|CheckSecureContainer|WriteContainerEvidence|CreateImageIndex|CreateNewImage|PublishContainer)\s' "$tmp/secure-perf.log" | sort -u | sed 's/^/  /' || true
echo "whole build (Time Elapsed): secure $(grep -m1 'Time Elapsed' "$tmp/secure-perf.log" | awk '{print $3}'), plain $(grep -m1 'Time Elapsed' "$tmp/plain-perf.log" | awk '{print $3}')"
