#!/usr/bin/env bash
# The keyless release steps the GitHub Actions sample runs, in one script so that CI and the repository's tests run the
# same thing: publish a secured image signed keyless (the job's OIDC identity, a Fulcio certificate, Rekor entries);
# verify its signature, SBOM and provenance by the workflow's identity; keep the SBOM. No key, no secret to store.
#
# Inputs (environment):
#   PROJECT                         the project to publish (a .csproj path)
#   REGISTRY, REPOSITORY, TAG       where the image goes, e.g. ghcr.io / acme/shop / 1.4.2
#   CERTIFICATE_IDENTITY            who must have signed: the workflow, https://github.com/OWNER/REPO/.github/workflows/FILE@REF
#   CERTIFICATE_OIDC_ISSUER         its issuer (default: GitHub Actions, https://token.actions.githubusercontent.com)
#   TRUSTED_ROOT                    sigstore's trusted_root.json for the Fulcio and Rekor used
#   FULCIO_URL, REKOR_URL           a private sigstore (optional; default: sigstore's public-good instances)
#   OUT_DIR                         where to put the SBOM and the verification report (default ./release)
#   PUBLISH_ARGS                    extra `dotnet publish` arguments (optional)
#   SECURECONTAINERS                the securecontainers tool (default: on PATH)
# The identity token comes from the CI itself: GitHub Actions with `permissions: id-token: write`
# (ACTIONS_ID_TOKEN_REQUEST_URL/_TOKEN), or SIGSTORE_ID_TOKEN elsewhere.
set -euo pipefail

: "${PROJECT:?}" "${REGISTRY:?}" "${REPOSITORY:?}" "${TAG:?}" "${CERTIFICATE_IDENTITY:?}" "${TRUSTED_ROOT:?}"
issuer=${CERTIFICATE_OIDC_ISSUER:-https://token.actions.githubusercontent.com}
out=${OUT_DIR:-release}
tool=${SECURECONTAINERS:-securecontainers}
image="$REGISTRY/$REPOSITORY:$TAG"
services=()
[ -z "${FULCIO_URL:-}" ] || services+=("-p:SecureContainerFulcioUrl=$FULCIO_URL")
[ -z "${REKOR_URL:-}" ] || services+=("-p:SecureContainerRekorUrl=$REKOR_URL")
mkdir -p "$out"

echo "==> publish $image (gated, SBOM attached, signed and attested keyless)"
# shellcheck disable=SC2086 # PUBLISH_ARGS is a list of arguments
dotnet publish "$PROJECT" -t:PublishContainer -c Release \
  -p:ContainerRegistry="$REGISTRY" -p:ContainerRepository="$REPOSITORY" -p:ContainerImageTag="$TAG" \
  -p:SecureContainerSigningMode=keyless "${services[@]}" ${PUBLISH_ARGS:-}

echo "==> verify $image by the workflow's identity before anything deploys it"
"$tool" verify "$image" --certificate-identity "$CERTIFICATE_IDENTITY" --certificate-oidc-issuer "$issuer" \
  --trusted-root "$TRUSTED_ROOT" --require-sbom --require-provenance --output json > "$out/verification.json"

echo "==> keep the SBOM as a build artifact"
"$tool" sbom "$image" -o "$out/sbom.cdx.json"
echo "verified; SBOM at $out/sbom.cdx.json"
