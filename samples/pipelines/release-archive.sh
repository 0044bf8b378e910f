#!/usr/bin/env bash
# The release steps for an image the build does not push itself, e.g. when a pipeline scans or promotes images with its
# own tools: the SDK writes the image to an archive (gated, SBOM written next to it), skopeo pushes it, and the
# securecontainers tool attaches the SBOM, signs and attests the pushed digest, then verifies it as release.sh does.
# Run it in place of release.sh in either pipeline definition (the tool is installed, the registry logged in).
#
# Inputs (environment): those of release.sh (the signing key is used by the tool here, not by the build), plus
#   SKOPEO_ARGS                     extra `skopeo copy` arguments (optional, e.g. --dest-creds USER:TOKEN)
#   SOURCE_REPOSITORY, SOURCE_COMMIT, SOURCE_REF   what the provenance names as built (optional, e.g.
#                                   "$GITHUB_SERVER_URL/$GITHUB_REPOSITORY", "$GITHUB_SHA", "$GITHUB_REF")
set -euo pipefail

: "${PROJECT:?}" "${REGISTRY:?}" "${REPOSITORY:?}" "${TAG:?}" "${SIGNING_KEY_FILE:?}" "${PUBLIC_KEY_FILE:?}"
: "${SECURECONTAINERS_KEY_PASSWORD:?set it from the CI secret store}"
out=${OUT_DIR:-release}
tool=${SECURECONTAINERS:-securecontainers}
image="$REGISTRY/$REPOSITORY:$TAG"
mkdir -p "$out"
out=$(cd "$out" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

echo "==> publish $REPOSITORY:$TAG to an archive (gated, SBOM written)"
# shellcheck disable=SC2086 # PUBLISH_ARGS is a list of arguments
dotnet publish "$PROJECT" -t:PublishContainer -c Release \
  -p:ContainerRepository="$REPOSITORY" -p:ContainerImageTag="$TAG" \
  -p:ContainerArchiveOutputPath="$work/image.tar" -p:SecureContainerSbomDirectory="$out/build-sbom/" ${PUBLISH_ARGS:-}
sboms=("$out"/build-sbom/*.cdx.json)
[ ${#sboms[@]} -eq 1 ] && [ -f "${sboms[0]}" ] || { echo "expected one SBOM in $out/build-sbom" >&2; exit 1; }

echo "==> push $image"
# The SDK's archive is an OCI image layout (oci-archive, not docker-archive). skopeo copies its manifest unchanged, so
# the pushed digest is the one the SBOM names; a tool that recompresses or converts the image would change it.
# shellcheck disable=SC2086 # SKOPEO_ARGS is a list of arguments
skopeo copy ${SKOPEO_ARGS:-} "oci-archive:$work/image.tar" "docker://$image"

echo "==> attach the SBOM, sign, attest SBOM and provenance"
provenance=(--provenance)
[ -n "${SOURCE_REPOSITORY:-}" ] && provenance+=(--source-repository "$SOURCE_REPOSITORY")
[ -n "${SOURCE_COMMIT:-}" ] && provenance+=(--source-commit "$SOURCE_COMMIT")
[ -n "${SOURCE_REF:-}" ] && provenance+=(--source-ref "$SOURCE_REF")
"$tool" attach "$image" --sbom "${sboms[0]}"
"$tool" sign "$image" --key "$SIGNING_KEY_FILE"
"$tool" attest "$image" --key "$SIGNING_KEY_FILE" --sbom "${sboms[0]}" "${provenance[@]}"

echo "==> verify $image before anything deploys it"
"$tool" verify "$image" --key "$PUBLIC_KEY_FILE" --require-sbom --require-provenance --output json > "$out/verification.json"

echo "==> keep the SBOM as a build artifact"
"$tool" sbom "$image" -o "$out/sbom.cdx.json"
echo "verified; SBOM at $out/sbom.cdx.json"
