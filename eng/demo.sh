#!/usr/bin/env bash
# The main job, on a fresh machine with no internet and no Docker: builds the package, builds base images from
# Debian packages, starts a local registry, publishes the ASP.NET sample as a secured image, shows the SBOM,
# shows the gate refusing a root image, and runs the secured image with podman as a non-root user.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 MSBUILDDISABLENODEREUSE=1

step() { printf '\n==> %s\n' "$*"; }

step "install what the test bed needs (Debian packages, npm validator)"
bash eng/install-deps.sh
(cd eng/sbom-validator && { [ -d node_modules ] || npm ci --no-audit --no-fund --silent; })

step "pack SecureContainers.Build and the securecontainers tool into artifacts/packages"
rm -f artifacts/packages/SecureContainers.*.nupkg
dotnet pack src/SecureContainers.Build -c Release -nodeReuse:false -clp:NoSummary
dotnet pack src/SecureContainers.Cli -c Release -nodeReuse:false -clp:NoSummary

step "base images from Debian packages, and a registry on loopback"
bash eng/testbed/build-fixtures.sh
state="$repo/artifacts/testbed/registry-demo"
bash eng/testbed/registry.sh start "$state"
trap 'bash eng/testbed/registry.sh stop "$state" >/dev/null 2>&1 || true' EXIT
set -a; . "$state/env"; set +a
bash eng/testbed/push-fixtures.sh "$SC_TEST_REGISTRY"
registry=$SC_TEST_REGISTRY
# Package advisories from a loopback mirror (as a team points NuGet audit at its own), carrying real GHSA entries.
feed="$repo/artifacts/testbed/nuget-feed-demo"
bash eng/testbed/nuget-feed/serve.sh start "$feed" >/dev/null
trap 'bash eng/testbed/registry.sh stop "$state" >/dev/null 2>&1 || true; bash eng/testbed/nuget-feed/serve.sh stop "$feed" >/dev/null 2>&1 || true' EXIT
set -a; . "$feed/env"; set +a

# The sample, used exactly as a user would: its own folder, nuget.config and packages folder.
work="$repo/artifacts/demo"
rm -rf "$work"; mkdir -p "$work"
cp -r samples/AspNetApi "$work/AspNetApi"
rm -rf "$work/AspNetApi/bin" "$work/AspNetApi/obj"
# Trust the local base images once, for the whole repository, as a team would in Directory.Build.props.
cat > "$work/Directory.Build.props" <<XML
<Project>
  <ItemGroup>
    <SecureContainerTrustedBaseImage Include="$registry/base/*" />
  </ItemGroup>
</Project>
XML
cat > "$work/nuget.config" <<XML
<?xml version="1.0" encoding="utf-8"?>
<configuration>
  <packageSources>
    <clear />
    <add key="artifacts" value="$repo/artifacts/packages" />
    <add key="nuget.org" value="https://api.nuget.org/v3/index.json" />
  </packageSources>
  <auditSources>
    <clear />
    <add key="advisories" value="$SC_TEST_NUGET_FEED" allowInsecureConnections="true" />
  </auditSources>
</configuration>
XML
export NUGET_PACKAGES="$work/packages"

step "install the securecontainers tool and make a signing key (password from the environment, as in CI)"
dotnet tool install --tool-path "$work/tools" --add-source "$repo/artifacts/packages" SecureContainers.Cli --version 0.1.0 >/dev/null
sc="$work/tools/securecontainers"
export SECURECONTAINERS_KEY_PASSWORD="demo-$(od -An -N8 -tx8 /dev/urandom | tr -d ' ')"
"$sc" keygen --output "$work/keys"

step "publish the ASP.NET sample on a non-root base: gated, pushed, SBOM attached, signed and attested"
dotnet publish "$work/AspNetApi" -t:PublishContainer -c Release -nodeReuse:false -clp:NoSummary \
  -p:ContainerBaseImage="$registry/base/aspnet:10.0" -p:ContainerRegistry="$registry" \
  -p:ContainerRepository=demo/aspnetapi -p:ContainerImageTag=1.0 \
  -p:SecureContainerSigningKey="$work/keys/securecontainers.key"
sbom="$work/AspNetApi/bin/Release/securecontainers/demo_aspnetapi-linux-x64.cdx.json"
node eng/sbom-validator/validate.mjs "$sbom" 1.6
echo "SBOM components:"
jq -r '.components[] | "  \(.type)\t\(.name) \(.version)"' "$sbom"
echo "image: $(jq -r '.metadata.component.purl' "$sbom")"

step "verify before deploy, as a release pipeline would: signature, SBOM and provenance attestations"
"$sc" verify "$registry/demo/aspnetapi:1.0" --key "$work/keys/securecontainers.pub" --require-sbom --require-provenance
"$sc" sbom "$registry/demo/aspnetapi:1.0" -o "$work/fetched.cdx.json"
cmp "$sbom" "$work/fetched.cdx.json" && echo "the SBOM attached in the registry is the one written by the build"

step "publish the same app on a base that runs as root: refused, nothing pushed"
if dotnet publish "$work/AspNetApi" -t:PublishContainer -c Release -nodeReuse:false -clp:NoSummary \
     -p:ContainerBaseImage="$registry/base/aspnet-root:10.0" -p:ContainerRegistry="$registry" \
     -p:ContainerRepository=demo/rooted -p:ContainerImageTag=1.0; then
  echo "ERROR: the root image was not refused" >&2; exit 1
fi
echo "registry answer for demo/rooted: $(curl -s "http://$registry/v2/demo/rooted/tags/list")"

step "run the secured image with podman and ask it who it is"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
name="securecontainers-demo-$$"
podman --cgroup-manager=cgroupfs run --runtime runc -d --name "$name" --ulimit nofile=1024:1024 --ulimit nproc=4096:4096 \
  --tls-verify=false -p "127.0.0.1:$port:8080" "$registry/demo/aspnetapi:1.0" >/dev/null
trap 'podman --cgroup-manager=cgroupfs rm -f "$name" >/dev/null 2>&1 || true; bash eng/testbed/registry.sh stop "$state" >/dev/null 2>&1 || true; bash eng/testbed/nuget-feed/serve.sh stop "$feed" >/dev/null 2>&1 || true' EXIT
for _ in $(seq 1 60); do
  if who=$(curl -sf "http://127.0.0.1:$port/whoami"); then break; fi
  sleep 0.5
done
echo "GET /whoami -> ${who:-no answer}"
[ "$(echo "${who:-}" | jq -r .uid)" = 1654 ] || { echo "ERROR: expected UID 1654" >&2; exit 1; }
step "done: secured image pushed, SBOM written and valid, root image refused, container runs as UID 1654"
