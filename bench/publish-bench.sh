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
# Uses hyperfine when installed (apt-get install hyperfine), else an interleaved bash loop. Build servers are
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
if command -v hyperfine >/dev/null; then
  hyperfine --warmup 2 --runs "$runs" --export-json "$tmp/hyperfine.json" -n plain "$plain" -n secure "$secure"
  python3 - "$tmp/hyperfine.json" <<'EOF'
import json, sys
r = {x["command"]: x for x in json.load(open(sys.argv[1]))["results"]}
p, s = r["plain"], r["secure"]
print(f"plain  {p['mean']:.2f} s ± {p['stddev']:.2f} (median {p['median']:.2f})")
print(f"secure {s['mean']:.2f} s ± {s['stddev']:.2f} (median {s['median']:.2f})")
print(f"secure / plain = {s['mean'] / p['mean']:.3f} (mean), {s['median'] / p['median']:.3f} (median); budget <= 1.15")
cpu = lambda x: x["user"] + x["system"]
print(f"CPU (user+sys) per run: plain {cpu(p):.2f} s, secure {cpu(s):.2f} s, ratio {cpu(s) / cpu(p):.3f} (less sensitive to other load)")
EOF
else
  # Interleaved so that load from elsewhere hits both modes alike.
  for mode in plain secure; do $([ $mode = plain ] && echo "$plain" || echo "$secure") >/dev/null 2>&1; done
  : > "$tmp/times"
  for i in $(seq "$runs"); do
    for mode in plain secure; do
      cmd=$([ $mode = plain ] && echo "$plain" || echo "$secure")
      start=$(date +%s.%N); $cmd >/dev/null 2>&1; end=$(date +%s.%N)
      echo "$mode $(echo "$end - $start" | bc)" >> "$tmp/times"
    done
  done
  python3 - "$tmp/times" <<'EOF'
# Wall time only here; hyperfine also reports CPU time.
import statistics as st, sys
t = {}
for line in open(sys.argv[1]):
    m, v = line.split(); t.setdefault(m, []).append(float(v))
for m in ("plain", "secure"):
    print(f"{m:6} {st.mean(t[m]):.2f} s ± {st.stdev(t[m]):.2f} (median {st.median(t[m]):.2f})")
print(f"secure / plain = {st.mean(t['secure']) / st.mean(t['plain']):.3f} (mean), {st.median(t['secure']) / st.median(t['plain']):.3f} (median); budget <= 1.15")
EOF
fi

# Where the secure mode's extra time goes: one more run of each with MSBuild's performance summary.
$secure -v:n -clp:PerformanceSummary > "$tmp/secure-perf.log" 2>&1
$plain -v:n -clp:PerformanceSummary > "$tmp/plain-perf.log" 2>&1
echo "SecureContainers targets and tasks (and the SDK's CreateNewImage) in one warm secure run (MSBuild performance summary):"
grep -E '^\s+[0-9]+ ms\s+(_?SecureContainer\w*|CheckContainerPolicy|CheckBuiltContainer|CheckPublishedContent|GenerateContainerSbom|AttachContainerSbom|ComputeSourceLabels|SignContainerImage|CreateImageIndex|CreateNewImage|PublishContainer)\s' "$tmp/secure-perf.log" | sort -u | sed 's/^/  /' || true
echo "whole build (Time Elapsed): secure $(grep -m1 'Time Elapsed' "$tmp/secure-perf.log" | awk '{print $3}'), plain $(grep -m1 'Time Elapsed' "$tmp/plain-perf.log" | awk '{print $3}')"
