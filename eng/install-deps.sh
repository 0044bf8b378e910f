#!/usr/bin/env bash
# Installs the Debian packages the real-parts test bed (eng/testbed) needs and checks the .NET SDK.
# Idempotent: runs `apt-get update` (once) only when a package is actually missing, so it is a
# no-op costing well under a second on a machine that already has everything.
# npm dependencies are not installed here.
set -euo pipefail

# python3 picks free ports and curl probes the registry (both used by eng/testbed/registry.sh); openssl makes the
# TLS registry's throw-away CA and the Notary test certificates.
# rpm is the reference rpm ordering the version tests compare against (dpkg, the Debian one, is always there).
# zstd compresses the chiseled fixture's manifest.wall, as chisel does, independently of the product's decoder.
packages=(docker-registry umoci skopeo podman runc uidmap apache2-utils jq python3 curl rpm openssl zstd)

missing=()
for p in "${packages[@]}"; do
  if [ "$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)" != "install ok installed" ]; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all Debian packages present: ${packages[*]}"
else
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
  echo "install-deps: missing: ${missing[*]}; running apt-get update + install"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -q
  # With recommends, as verified on these machines: podman needs some of them (networking, catatonit).
  $SUDO apt-get install -y -q "${missing[@]}"
  echo "install-deps: installed: ${missing[*]}"
fi

if ! command -v dotnet >/dev/null 2>&1; then
  echo "install-deps: ERROR: 'dotnet' is not on PATH; install the .NET SDK pinned in global.json" >&2
  exit 1
fi
if ! sdk_version=$(dotnet --version 2>&1); then
  echo "install-deps: ERROR: 'dotnet --version' failed: $sdk_version" >&2
  exit 1
fi
echo "install-deps: dotnet SDK $sdk_version"
