#!/usr/bin/env bash
# Runs every test: unit, target/package and end-to-end. Builds and packs the product, builds the base image
# fixtures, starts a registry on loopback (stopped on exit), pushes the fixtures, then runs `dotnet test`.
# Usage: eng/test.sh [extra dotnet test arguments, e.g. --filter FullyQualifiedName~Policy]
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 MSBUILDDISABLENODEREUSE=1
# The schema validator is installed below, so a missing one is a failure, not a skip.
export SC_REQUIRE_VALIDATOR=1
# dpkg and rpm, the reference version orderings, come with eng/install-deps.sh: missing, they fail the tests too.
export SC_REQUIRE_TOOLS=1

step() { echo "==> $*"; }

step "build and pack"
dotnet build SecureContainers.sln -c Release -nodeReuse:false -clp:NoSummary
rm -f artifacts/packages/SecureContainers.*.nupkg
dotnet pack src/SecureContainers.Build -c Release -nodeReuse:false -clp:NoSummary
dotnet pack src/SecureContainers.Cli -c Release -nodeReuse:false -clp:NoSummary

step "SBOM validator (npm)"
(cd eng/sbom-validator && { [ -d node_modules ] || npm ci --no-audit --no-fund --silent; })

step "sigstore's JavaScript bundle verifier (npm)"
# The packages declare Node >= 22 but run on Node 20; --engine-strict=false keeps npm from refusing them.
(cd eng/sigstore-verifier && { [ -d node_modules ] || npm ci --no-audit --no-fund --silent --engine-strict=false; })

step "sigstore mock and verifier (npm)"
(cd eng/sigstore-mock && { [ -d node_modules ] || npm ci --no-audit --no-fund --silent --engine-strict=false; })

step "cdxgen, the peer SBOM generator the comparison test runs (npm)"
# `npm install`, not `npm ci`: cdxgen's platform binaries are optional dependencies, and a registry that serves
# only this platform's leaves them out of the lock, which `npm ci` rejects; install keeps the locked versions.
(cd eng/cdxgen && { [ -d node_modules ] || npm install --no-audit --no-fund --silent; })

step "base image fixtures"
bash eng/testbed/build-fixtures.sh

state="$repo/artifacts/testbed/registry-test"
step "registry"
bash eng/testbed/registry.sh start "$state"
feed="$repo/artifacts/testbed/nuget-feed-test"
tls_state="$repo/artifacts/testbed/registry-tls-test"
sigstore="$repo/artifacts/testbed/sigstore-test"
trap 'bash eng/testbed/registry.sh stop "$state" || true; bash eng/testbed/registry.sh stop "$tls_state" || true; bash eng/testbed/nuget-feed/serve.sh stop "$feed" || true; bash eng/testbed/sigstore.sh stop "$sigstore" || true' EXIT
# shellcheck disable=SC1091
set -a; . "$state/env"; set +a

step "registry with TLS (throw-away test CA) and htpasswd"
bash eng/testbed/registry.sh start --tls --htpasswd "release-bot:$(head -c 18 /dev/urandom | base64 | tr -d '/+=')" "$tls_state"
export SC_TEST_TLS_REGISTRY SC_TEST_TLS_REGISTRY_CA SC_TEST_TLS_REGISTRY_USER SC_TEST_TLS_REGISTRY_PASSWORD
SC_TEST_TLS_REGISTRY=$(sed -n 's/^SC_TEST_REGISTRY=//p' "$tls_state/env")
SC_TEST_TLS_REGISTRY_CA=$(sed -n 's/^SC_TEST_REGISTRY_CA=//p' "$tls_state/env")
SC_TEST_TLS_REGISTRY_USER=$(sed -n 's/^SC_TEST_REGISTRY_USER=//p' "$tls_state/env")
SC_TEST_TLS_REGISTRY_PASSWORD=$(sed -n 's/^SC_TEST_REGISTRY_PASSWORD=//p' "$tls_state/env")

step "NuGet advisory feed"
bash eng/testbed/nuget-feed/serve.sh start "$feed"
# shellcheck disable=SC1091
set -a; . "$feed/env"; set +a
bash eng/testbed/push-fixtures.sh "$SC_TEST_REGISTRY"

step "Notary-signed copies of a base (openssl-made envelopes as referrers) and their trust policy"
export SC_TEST_NOTARY_DIR="$state/notary"
python3 eng/testbed/notary/push-notary-fixtures.py "$SC_TEST_REGISTRY" "$SC_TEST_NOTARY_DIR"

step "sigstore mock (Fulcio, Rekor, TSA, GitHub Actions OIDC) on loopback"
bash eng/testbed/sigstore.sh start "$sigstore"
# shellcheck disable=SC1091
set -a; . "$sigstore/env"; set +a

step "tests against $SC_TEST_REGISTRY"
log="$repo/artifacts/test-results.log"
mkdir -p "$(dirname "$log")"
set +e
dotnet test SecureContainers.sln -c Release --no-build --logger "console;verbosity=normal" --results-directory artifacts/TestResults "$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
set -e

# One closing line across all test assemblies, in the plain form CI reads.
awk '/^ *Passed: +[0-9]+$/ { p += $2 } /^ *Failed: +[0-9]+$/ { f += $2 } /^ *Skipped: +[0-9]+$/ { s += $2 }
     END { printf "%d passed, %d failed, %d skipped\n", p, f, s }' "$log"
exit "$status"
