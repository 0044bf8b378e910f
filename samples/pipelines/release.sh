#!/usr/bin/env bash
# The release steps both pipeline definitions run, in one script so that CI and the repository's tests run the same
# thing: publish a secured, signed image; verify its signature, SBOM and provenance with the public key; keep the SBOM.
#
# Inputs (environment):
#   PROJECT                         the project to publish (a .csproj path)
#   REGISTRY, REPOSITORY, TAG       where the image goes, e.g. ghcr.io / acme/shop / 1.4.2
#   SIGNING_KEY_FILE                the private key (from the CI secret store, written to a file)
#   SECURECONTAINERS_KEY_PASSWORD   its password (a CI secret; read by the build from the environment only)
#   PUBLIC_KEY_FILE                 the matching public key (commit it: verification needs no secret)
#   OUT_DIR                         where to put the SBOM and the verification report (default ./release)
#   PUBLISH_ARGS                    extra `dotnet publish` arguments (optional)
#   SECURECONTAINERS                the securecontainers tool (default: on PATH)
set -euo pipefail

: "${PROJECT:?}" "${REGISTRY:?}" "${REPOSITORY:?}" "${TAG:?}" "${SIGNING_KEY_FILE:?}" "${PUBLIC_KEY_FILE:?}"
: "${SECURECONTAINERS_KEY_PASSWORD:?set it from the CI secret store}"
out=${OUT_DIR:-release}
tool=${SECURECONTAINERS:-securecontainers}
image="$REGISTRY/$REPOSITORY:$TAG"
mkdir -p "$out"

echo "==> publish $image (gated, SBOM attached, signed and attested)"
# shellcheck disable=SC2086 # PUBLISH_ARGS is a list of arguments
dotnet publish "$PROJECT" -t:PublishContainer -c Release \
  -p:ContainerRegistry="$REGISTRY" -p:ContainerRepository="$REPOSITORY" -p:ContainerImageTag="$TAG" \
  -p:SecureContainerSigningKey="$SIGNING_KEY_FILE" ${PUBLISH_ARGS:-}

echo "==> verify $image before anything deploys it"
"$tool" verify "$image" --key "$PUBLIC_KEY_FILE" --require-sbom --require-provenance --output json > "$out/verification.json"

echo "==> keep the SBOM as a build artifact"
"$tool" sbom "$image" -o "$out/sbom.cdx.json"
echo "verified; SBOM at $out/sbom.cdx.json"
