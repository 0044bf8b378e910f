#!/usr/bin/env bash
# Builds the base-image fixtures the end-to-end tests and the demo pull from a local registry.
# Each fixture is an OCI image layout directory (OUTDIR/<name>, one tag) made from real Debian
# packages and the host's .NET runtime, because there is no Docker and no internet here.
# The facts tests compare against (digests, dpkg name=version sets, framework versions, user,
# setuid files, deleted paths) are written to OUTDIR/fixtures.json.
# The hostile-* (base-trust) fixtures and apk/rpm are written by hostile-fixtures.py.
#
# Usage: eng/testbed/build-fixtures.sh [OUTDIR]   (default: <repo>/artifacts/testbed/oci)
#   FORCE=1            rebuild fixtures whose layout already exists
#   TESTBED_DEBS_DIR   .deb cache (default: <repo>/artifacts/testbed/debs)
#   DOTNET_HOST_ROOT   where to copy the .NET runtime from (default: folder of `dotnet` on PATH)
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
OUT=$(mkdir -p "${1:-$repo/artifacts/testbed/oci}" && cd "${1:-$repo/artifacts/testbed/oci}" && pwd)
DEBS=${TESTBED_DEBS_DIR:-$repo/artifacts/testbed/debs}
FORCE=${FORCE:-0}
FACTS="$OUT/.facts"
mkdir -p "$DEBS" "$FACTS"

log() { echo "build-fixtures: $*" >&2; }
die() { echo "build-fixtures: ERROR: $*" >&2; exit 1; }

for tool in umoci dpkg-deb apt-get jq sha256sum gzip tar dotnet; do
  command -v "$tool" >/dev/null || die "'$tool' not found; run eng/install-deps.sh"
done

# The runtime copied into the images is the one the SDK on PATH runs on.
if [ -z "${DOTNET_HOST_ROOT:-}" ]; then
  DOTNET_HOST_ROOT=$(dirname "$(readlink -f "$(command -v dotnet)")")
fi
[ -d "$DOTNET_HOST_ROOT/shared/Microsoft.AspNetCore.App" ] || die "no .NET runtimes under $DOTNET_HOST_ROOT"

# Root is needed to give home/app to uid 1654 and to keep the setuid bits the fat fixture must
# carry; as root, umoci unpack/repack without --rootless records the exact owners and modes.
[ "$(id -u)" -eq 0 ] || die "must run as root (fixtures carry files owned by 1654 and setuid files)"

DEB_ARCH=$(dpkg --print-architecture)
case "$DEB_ARCH" in
  amd64) OCI_ARCH=amd64 ;;
  arm64) OCI_ARCH=arm64 ;;
  *) die "unsupported host architecture $DEB_ARCH" ;;
esac

WORK=$(mktemp -d "${TMPDIR:-/tmp}/testbed-fixtures.XXXXXX")
trap 'rm -rf "$WORK"' EXIT

# ---------------------------------------------------------------- package lists
RUNTIME_PKGS=(base-files netbase tzdata ca-certificates libc6 libgcc-s1 gcc-12-base libstdc++6
  libssl3 libicu72 zlib1g)
# A classic "fat" Debian userland with shells, a package manager (dpkg), setuid tools and an SSH server. The dependency
# closure is a fixed list (apt's closure minus perl/debconf/usrmerge/procps, which add bulk only).
FAT_PKGS=(base-files base-passwd netbase tzdata gcc-12-base libc6 libgcc-s1 libtinfo6 debianutils
  dash bash login passwd util-linux libblkid1 libmount1 libsmartcols1 libuuid1 libudev1
  libcrypt1 libaudit-common libaudit1 libcap-ng0 libcap2 libpam0g libpam-modules-bin libpam-modules
  libpam-runtime libdb5.3 libselinux1 libpcre2-8-0 libsemanage-common libsemanage2 libsepol2
  libbz2-1.0 liblzma5 libzstd1 liblz4-1 zlib1g libmd0 libbsd0 libedit2 libncursesw6 libcbor0.8
  libfido2-1 libssl3 libcom-err2 libkrb5support0 libk5crypto3 libkeyutils1 libkrb5-3
  libgssapi-krb5-2 libgpg-error0 libgcrypt20 libsystemd0 libwrap0 libtirpc-common libtirpc3
  libnsl2 openssh-client openssh-sftp-server openssh-server dpkg tar libacl1)
MINIMAL_PKGS=(base-files netbase tzdata)

# ---------------------------------------------------------------- .deb cache
deb_path() { # newest cached .deb of package $1 ("" if none)
  compgen -G "$DEBS/${1}_*.deb" >/dev/null || return 0
  ls -1 "$DEBS/${1}"_*.deb | sort -V | tail -n1
}

apt_updated=0
fetch_debs() {
  local missing=() p
  for p in "$@"; do [ -n "$(deb_path "$p")" ] || missing+=("$p"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  log "downloading ${#missing[@]} .deb(s): ${missing[*]}"
  if ! (cd "$DEBS" && apt-get download -q "${missing[@]}" >/dev/null 2>"$WORK/apt.err"); then
    [ $apt_updated -eq 0 ] || { cat "$WORK/apt.err" >&2; die "apt-get download failed"; }
    log "apt-get download failed; running apt-get update once and retrying"
    apt-get update -q >/dev/null
    apt_updated=1
    (cd "$DEBS" && apt-get download -q "${missing[@]}" >/dev/null) || die "apt-get download failed"
  fi
}

# ---------------------------------------------------------------- rootfs assembly
# Unpacks packages into a rootfs and records them the way a scanner expects to find them:
#   statusd: /var/lib/dpkg/status.d/<name>, one control paragraph each (distroless/chiseled)
#   status:  /var/lib/dpkg/status, classic dpkg database with "Status: install ok installed"
install_debs() { # rootfs mode pkg...
  local rootfs=$1 mode=$2; shift 2
  local p deb
  mkdir -p "$rootfs/var/lib/dpkg"
  for p in "$@"; do
    deb=$(deb_path "$p"); [ -n "$deb" ] || die "no .deb for $p"
    dpkg-deb -x "$deb" "$rootfs"
    case $mode in
      statusd)
        mkdir -p "$rootfs/var/lib/dpkg/status.d"
        dpkg-deb -f "$deb" >"$rootfs/var/lib/dpkg/status.d/$p" ;;
      status)
        { dpkg-deb -f "$deb" | awk 'NR==1 { print; print "Status: install ok installed"; next } { print }'
          echo; } >>"$rootfs/var/lib/dpkg/status" ;;
    esac
  done
}

pkg_facts() { # pkg... -> JSON array of "name=version", sorted
  local p
  for p in "$@"; do dpkg-deb --showformat='${Package}=${Version}\n' -W "$(deb_path "$p")"; done |
    sort -u | jq -R . | jq -s .
}

# ca-certificates ships the PEM files but builds the bundle in its postinst; do the same.
make_ca_bundle() {
  local rootfs=$1
  mkdir -p "$rootfs/etc/ssl/certs"
  find "$rootfs/usr/share/ca-certificates" -name '*.crt' -print0 | sort -z |
    xargs -0 cat >"$rootfs/etc/ssl/certs/ca-certificates.crt"
}

# The users Microsoft's chiseled images have: root and app (1654), no login shell anywhere.
write_nonroot_users() {
  local rootfs=$1
  mkdir -p "$rootfs/etc" "$rootfs/home/app" "$rootfs/tmp"
  printf 'root:x:0:0:root:/root:/sbin/nologin\napp:x:1654:1654::/home/app:/sbin/nologin\n' >"$rootfs/etc/passwd"
  printf 'root:x:0:\napp:x:1654:\n' >"$rootfs/etc/group"
  chown 1654:1654 "$rootfs/home/app"
  chmod 1777 "$rootfs/tmp"
}

newest_version() { ls -1 "$1" | sort -V | tail -n1; }

NETCORE_VERSION=$(newest_version "$DOTNET_HOST_ROOT/shared/Microsoft.NETCore.App")
ASPNET_VERSION=$(newest_version "$DOTNET_HOST_ROOT/shared/Microsoft.AspNetCore.App")
FXR_VERSION=$(newest_version "$DOTNET_HOST_ROOT/host/fxr")

add_dotnet() { # rootfs framework...
  local rootfs=$1; shift
  local d="$rootfs/usr/share/dotnet" fw v
  mkdir -p "$d/host/fxr" "$d/shared" "$rootfs/usr/bin"
  cp -a "$DOTNET_HOST_ROOT/dotnet" "$DOTNET_HOST_ROOT/LICENSE.txt" "$DOTNET_HOST_ROOT/ThirdPartyNotices.txt" "$d/"
  cp -a "$DOTNET_HOST_ROOT/host/fxr/$FXR_VERSION" "$d/host/fxr/"
  for fw in "$@"; do
    v=$(newest_version "$DOTNET_HOST_ROOT/shared/$fw")
    mkdir -p "$d/shared/$fw"
    cp -a "$DOTNET_HOST_ROOT/shared/$fw/$v" "$d/shared/$fw/"
  done
  ln -sf ../share/dotnet/dotnet "$rootfs/usr/bin/dotnet"
}

# ---------------------------------------------------------------- layout helpers
fixture_exists() { [ "$FORCE" != 1 ] && [ -f "$OUT/$1/index.json" ] && [ -f "$FACTS/$1.json" ]; }

# A layout is built under WORK and moved into OUTDIR only when complete, so an interrupted run
# never leaves a layout that a later run would mistake for a finished fixture.
publish_layout() { # name tmp-layout
  rm -rf "${OUT:?}/$1"
  mv "$2" "$OUT/$1"
}

blob() { echo "$1/blobs/sha256/${2#sha256:}"; }

# Prints the manifest descriptor a tag points at in a layout.
tag_descriptor() { # layout tag
  jq -c --arg t "$2" '.manifests[] | select(.annotations["org.opencontainers.image.ref.name"] == $t)' "$1/index.json"
}

# Writes a JSON document as a blob and prints "digest size".
put_blob_file() { # layout file
  local d s
  d=$(sha256sum "$2" | cut -d' ' -f1); s=$(stat -c %s "$2")
  mkdir -p "$1/blobs/sha256"
  cp "$2" "$1/blobs/sha256/$d"
  echo "sha256:$d $s"
}

# Facts about a single-platform image in a layout (merged with caller-supplied extras).
image_facts() { # layout tag
  local layout=$1 tag=$2 desc manifest config
  desc=$(tag_descriptor "$layout" "$tag")
  manifest=$(blob "$layout" "$(jq -r .digest <<<"$desc")")
  config=$(blob "$layout" "$(jq -r .config.digest "$manifest")")
  jq -n --argjson desc "$desc" --slurpfile m "$manifest" --slurpfile c "$config" '{
      mediaType: $desc.mediaType, digest: $desc.digest, size: $desc.size,
      configDigest: $m[0].config.digest,
      layers: [$m[0].layers[].digest],
      os: $c[0].os, architecture: $c[0].architecture,
      user: ($c[0].config.User // ""),
      env: ($c[0].config.Env // []),
      exposedPorts: (($c[0].config.ExposedPorts // {}) | keys)
    }'
}

write_facts() { # name json
  jq --arg n "$1" '{name: $n} + .' <<<"$2" >"$FACTS/$1.json"
}

PATH_ENV=PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin

# ---------------------------------------------------------------- fixtures
# Builds a one-layer image with tag "rootfs" and no configuration; callers derive tags from it.
# $2 is a function that fills the rootfs.
build_rootfs_layout() { # layout populate-fn
  local layout=$1 fill=$2 bundle="$WORK/bundle.$RANDOM"
  umoci init --layout "$layout"
  umoci new --image "$layout:rootfs"
  umoci unpack --image "$layout:rootfs" "$bundle"
  "$fill" "$bundle/rootfs"
  umoci repack --image "$layout:rootfs" --history.created_by "eng/testbed/build-fixtures.sh $fill" "$bundle"
  rm -rf "$bundle"
}

# Gives the rootfs tag its final configuration under a new tag and drops everything else.
configure_tag() { # layout tag umoci-config-args...
  local layout=$1 tag=$2; shift 2
  umoci config --image "$layout:rootfs" --tag "$tag" --no-history "$@"
  umoci rm --image "$layout:rootfs"
  umoci gc --layout "$layout"
}

fill_runtime() {
  install_debs "$1" statusd "${RUNTIME_PKGS[@]}"
  make_ca_bundle "$1"
  write_nonroot_users "$1"
  add_dotnet "$1" Microsoft.NETCore.App
}

fill_aspnet() {
  fill_runtime "$1"
  add_dotnet "$1" Microsoft.AspNetCore.App
}

# Pipelines into grep use >/dev/null, not -q: with pipefail, grep -q quitting early kills tar with
# SIGPIPE and the pipeline fails at random.
no_shell_check() { # layout tag: fails if the image has a shell, which these fixtures must not
  local layer
  for layer in $(jq -r '.layers[]' <<<"$(image_facts "$1" "$2")"); do
    if tar -tzf "$(blob "$1" "$layer")" | grep -E '(^|/)(bin|sbin)/(sh|bash|dash)$' >/dev/null; then
      die "fixture $1:$2 unexpectedly contains a shell"
    fi
  done
}

build_runtime() {
  fixture_exists runtime && { log "runtime: exists, skipped"; return; }
  local t0=$SECONDS layout="$WORK/runtime"
  fetch_debs "${RUNTIME_PKGS[@]}"
  build_rootfs_layout "$layout" fill_runtime
  configure_tag "$layout" 10.0 --config.user 1654 \
    --config.env "$PATH_ENV" --config.env APP_UID=1654 \
    --config.env DOTNET_RUNNING_IN_CONTAINER=true --config.env "DOTNET_VERSION=$NETCORE_VERSION"
  no_shell_check "$layout" 10.0
  write_facts runtime "$(image_facts "$layout" 10.0 | jq \
    --argjson pk "$(pkg_facts "${RUNTIME_PKGS[@]}")" --arg nc "$NETCORE_VERSION" '. + {
      layout: "runtime", tag: "10.0", repository: "base/runtime", shell: false,
      dpkgDatabase: "status.d", packages: $pk,
      frameworks: {"Microsoft.NETCore.App": $nc}, setuidFiles: [], deletedPaths: []}')"
  publish_layout runtime "$layout"
  log "runtime: built in $((SECONDS - t0)) s"
}

# The fake Windows image inside the multi-platform fixtures: the SDK only needs a config it can
# read and a layer it can copy; it never runs it.
windows_manifest() { # layout user -> prints "digest size"
  local layout=$1 user=$2 d="$WORK/win.$RANDOM"
  mkdir -p "$d/Files/Windows/System32" "$d/Hives"
  echo "fake windows base layer for SecureContainers tests" >"$d/Files/Windows/System32/testbed.txt"
  tar --numeric-owner --owner=0 --group=0 --mtime=@0 --sort=name -cf "$d/layer.tar" -C "$d" Files Hives
  local diff_id layer layer_digest layer_size config config_digest config_size
  diff_id="sha256:$(sha256sum "$d/layer.tar" | cut -d' ' -f1)"
  gzip -n -9 -c "$d/layer.tar" >"$d/layer.tgz"
  read -r layer_digest layer_size < <(put_blob_file "$layout" "$d/layer.tgz")
  jq -cn --arg u "$user" --arg diff "$diff_id" '{
      architecture: "amd64", os: "windows",
      config: {User: $u, Env: []},
      rootfs: {type: "layers", diff_ids: [$diff]},
      history: [{created: "1970-01-01T00:00:00Z", created_by: "eng/testbed/build-fixtures.sh fake windows layer"}]
    }' >"$d/config.json"
  read -r config_digest config_size < <(put_blob_file "$layout" "$d/config.json")
  jq -cn --arg cd "$config_digest" --argjson cs "$config_size" --arg ld "$layer_digest" --argjson ls "$layer_size" '{
      schemaVersion: 2, mediaType: "application/vnd.oci.image.manifest.v1+json",
      config: {mediaType: "application/vnd.oci.image.config.v1+json", digest: $cd, size: $cs},
      layers: [{mediaType: "application/vnd.oci.image.layer.v1.tar+gzip", digest: $ld, size: $ls}]
    }' >"$d/manifest.json"
  put_blob_file "$layout" "$d/manifest.json"
  rm -rf "$d"
}

# Turns a single-platform layout into one whose tag names an image index of linux + windows.
# umoci cannot write indexes, so the index is written by hand.
make_multi_layout() { # linux-layout tag win-user dest-layout
  local src=$1 tag=$2 user=$3 dest=$4 linux win_digest win_size index_digest index_size
  mkdir -p "$dest"
  cp -a "$src/blobs" "$src/oci-layout" "$dest/"
  linux=$(tag_descriptor "$src" "$tag")
  read -r win_digest win_size < <(windows_manifest "$dest" "$user")
  jq -cn --argjson l "$linux" --arg wd "$win_digest" --argjson ws "$win_size" --arg arch "$OCI_ARCH" '{
      schemaVersion: 2, mediaType: "application/vnd.oci.image.index.v1+json",
      manifests: [
        {mediaType: $l.mediaType, digest: $l.digest, size: $l.size, platform: {architecture: $arch, os: "linux"}},
        {mediaType: "application/vnd.oci.image.manifest.v1+json", digest: $wd, size: $ws,
         platform: {architecture: "amd64", os: "windows"}}
      ]}' >"$WORK/index.json"
  read -r index_digest index_size < <(put_blob_file "$dest" "$WORK/index.json")
  jq -cn --arg d "$index_digest" --argjson s "$index_size" --arg t "$tag" '{
      schemaVersion: 2,
      manifests: [{mediaType: "application/vnd.oci.image.index.v1+json", digest: $d, size: $s,
                   annotations: {"org.opencontainers.image.ref.name": $t}}]}' >"$dest/index.json"
  jq -n --arg d "$index_digest" --argjson s "$index_size" --argjson l "$linux" \
    --arg wd "$win_digest" --arg u "$user" --arg arch "$OCI_ARCH" '{
      mediaType: "application/vnd.oci.image.index.v1+json", digest: $d, size: $s,
      manifests: [
        {platform: {os: "linux", architecture: $arch}, digest: $l.digest},
        {platform: {os: "windows", architecture: "amd64"}, digest: $wd, user: $u}]}'
}

build_aspnet_family() {
  local all=1 n
  for n in aspnet aspnet-root multi multi-root; do fixture_exists "$n" || all=0; done
  [ $all = 1 ] && { log "aspnet, aspnet-root, multi, multi-root: exist, skipped"; return; }
  local t0=$SECONDS base="$WORK/aspnet-base"
  fetch_debs "${RUNTIME_PKGS[@]}"
  build_rootfs_layout "$base" fill_aspnet
  # aspnet and aspnet-root share the very same layer: they differ only in configuration.
  local common=(--config.env "$PATH_ENV" --config.env DOTNET_RUNNING_IN_CONTAINER=true
    --config.env "DOTNET_VERSION=$NETCORE_VERSION" --config.env "ASPNET_VERSION=$ASPNET_VERSION"
    --config.env ASPNETCORE_HTTP_PORTS=8080)
  cp -a "$base" "$WORK/aspnet-root"
  mv "$base" "$WORK/aspnet"
  configure_tag "$WORK/aspnet" 10.0 --config.user 1654 --config.env APP_UID=1654 "${common[@]}"
  configure_tag "$WORK/aspnet-root" 10.0 "${common[@]}"
  local pk fw
  pk=$(pkg_facts "${RUNTIME_PKGS[@]}")
  fw=$(jq -n --arg nc "$NETCORE_VERSION" --arg an "$ASPNET_VERSION" \
    '{"Microsoft.NETCore.App": $nc, "Microsoft.AspNetCore.App": $an}')
  local n
  for n in aspnet aspnet-root; do
    no_shell_check "$WORK/$n" 10.0
    write_facts "$n" "$(image_facts "$WORK/$n" 10.0 | jq --arg n "$n" --argjson pk "$pk" --argjson fw "$fw" '. + {
        layout: $n, tag: "10.0", repository: ("base/" + $n), shell: false, dpkgDatabase: "status.d",
        packages: $pk, frameworks: $fw, setuidFiles: [], deletedPaths: []}')"
  done
  local src user
  for n in multi multi-root; do
    if [ $n = multi ]; then src=aspnet user=ContainerUser; else src=aspnet-root user=""; fi
    write_facts "$n" "$(make_multi_layout "$WORK/$src" 10.0 "$user" "$WORK/$n" | jq \
      --arg n "$n" --slurpfile linux "$FACTS/$src.json" '. + {
        layout: $n, tag: "10.0", repository: ("base/" + $n), linuxImage: $linux[0].name,
        manifests: [.manifests[0] + {user: $linux[0].user}, .manifests[1]],
        packages: $linux[0].packages, frameworks: $linux[0].frameworks}')"
  done
  for n in aspnet aspnet-root multi multi-root; do publish_layout "$n" "$WORK/$n"; done
  log "aspnet, aspnet-root, multi, multi-root: built in $((SECONDS - t0)) s"
}

fill_fat() {
  local rootfs=$1
  install_debs "$rootfs" status "${FAT_PKGS[@]}"
  # Preinst/postinst scripts never run here, so write the accounts they would have created.
  mkdir -p "$rootfs/root" "$rootfs/run/sshd" "$rootfs/tmp"
  chmod 700 "$rootfs/root"; chmod 1777 "$rootfs/tmp"
  cp "$rootfs/usr/share/base-passwd/passwd.master" "$rootfs/etc/passwd"
  cp "$rootfs/usr/share/base-passwd/group.master" "$rootfs/etc/group"
  echo 'sshd:x:100:65534::/run/sshd:/usr/sbin/nologin' >>"$rootfs/etc/passwd"
  find "$rootfs" -xdev -type f -perm /6000 -printf '/%P\n' | sort >"$WORK/fat.setuid"
}

build_fat() {
  fixture_exists fat && { log "fat: exists, skipped"; return; }
  local t0=$SECONDS layout="$WORK/fat"
  fetch_debs "${FAT_PKGS[@]}"
  build_rootfs_layout "$layout" fill_fat
  configure_tag "$layout" 12 --config.env "$PATH_ENV" --config.exposedports 22/tcp \
    --config.cmd /usr/sbin/sshd --config.cmd -D
  local facts layer_setuid
  facts=$(image_facts "$layout" 12)
  # umoci must keep setuid/setgid bits: compare what the layer holds with what the rootfs had.
  layer_setuid=$(tar -tvzf "$(blob "$layout" "$(jq -r '.layers[0]' <<<"$facts")")" |
    awk '$1 ~ /^-..[sS]|^-.....[sS]/ { print "/" $NF }' | sort)
  [ "$layer_setuid" = "$(cat "$WORK/fat.setuid")" ] || die "setuid bits lost in fat layer"
  [ -s "$WORK/fat.setuid" ] || die "fat fixture has no setuid files; package list changed?"
  write_facts fat "$(jq --argjson pk "$(pkg_facts "${FAT_PKGS[@]}")" \
    --argjson su "$(jq -R . <"$WORK/fat.setuid" | jq -s .)" '. + {
      layout: "fat", tag: "12", repository: "base/fat", shell: true, dpkgDatabase: "status",
      packages: $pk, frameworks: {}, setuidFiles: $su, deletedPaths: []}' <<<"$facts")"
  publish_layout fat "$layout"
  log "fat: built in $((SECONDS - t0)) s"
}

fill_minimal() {
  install_debs "$1" statusd "${MINIMAL_PKGS[@]}"
  write_nonroot_users "$1"
}

# layered:1 = minimal plus a second layer that deletes (whiteouts) tzdata's files, its status.d
# entry and one file of the first layer, so scanners must apply whiteouts to get it right.
build_minimal_family() {
  if fixture_exists minimal && fixture_exists layered; then
    log "minimal, layered: exist, skipped"; return
  fi
  local t0=$SECONDS layout="$WORK/minimal"
  fetch_debs "${MINIMAL_PKGS[@]}"
  build_rootfs_layout "$layout" fill_minimal
  cp -a "$layout" "$WORK/layered"
  configure_tag "$layout" 1 --config.user 1654 --config.env "$PATH_ENV" --config.env APP_UID=1654
  no_shell_check "$layout" 1
  write_facts minimal "$(image_facts "$layout" 1 | jq --argjson pk "$(pkg_facts "${MINIMAL_PKGS[@]}")" '. + {
      layout: "minimal", tag: "1", repository: "base/minimal", shell: false, dpkgDatabase: "status.d",
      packages: $pk, frameworks: {}, setuidFiles: [], deletedPaths: []}')"

  local l="$WORK/layered" bundle="$WORK/layered.bundle"
  umoci unpack --image "$l:rootfs" "$bundle"
  mkdir -p "$bundle/rootfs/opt/testbed"
  echo kept >"$bundle/rootfs/opt/testbed/kept.txt"
  echo "deleted by layer 2" >"$bundle/rootfs/opt/testbed/deleted.txt"
  umoci repack --refresh-bundle --image "$l:rootfs" --history.created_by "testbed: add /opt/testbed" "$bundle"
  rm -rf "$bundle/rootfs/opt/testbed/deleted.txt" "$bundle/rootfs/var/lib/dpkg/status.d/tzdata" \
    "$bundle/rootfs/usr/share/zoneinfo" "$bundle/rootfs/usr/share/doc/tzdata"
  umoci repack --image "$l:rootfs" --history.created_by "testbed: delete tzdata and deleted.txt" "$bundle"
  rm -rf "$bundle"
  configure_tag "$l" 1 --config.user 1654 --config.env "$PATH_ENV" --config.env APP_UID=1654
  local facts
  facts=$(image_facts "$l" 1)
  [ "$(jq '.layers | length' <<<"$facts")" = 3 ] || die "layered fixture should have 3 layers"
  tar -tzf "$(blob "$l" "$(jq -r '.layers[2]' <<<"$facts")")" | grep '\.wh\.deleted\.txt$' >/dev/null ||
    die "layered fixture's last layer has no whiteout for deleted.txt"
  write_facts layered "$(jq --argjson pk "$(pkg_facts base-files netbase)" '. + {
      layout: "layered", tag: "1", repository: "base/layered", shell: false, dpkgDatabase: "status.d",
      packages: $pk, frameworks: {}, setuidFiles: [],
      deletedPaths: ["/opt/testbed/deleted.txt", "/var/lib/dpkg/status.d/tzdata",
                     "/usr/share/zoneinfo", "/usr/share/doc/tzdata"]}' <<<"$facts")"
  publish_layout minimal "$layout"
  publish_layout layered "$l"
  log "minimal, layered: built in $((SECONDS - t0)) s"
}

# Azure Linux-style rpm bases. azurelinux:3.0 carries /var/lib/rpm/rpmdb.sqlite written by Debian's rpm from the
# spec files in eng/testbed/rpm (sqlite backend, as Azure Linux 3 keeps it); azurelinux-distroless:3.0 has no
# database, only /var/lib/rpmmanifest/container-manifest-{1,2} written the way Microsoft's distroless builder writes
# them (rpm -qa with its query formats, sorted, without gpg-pubkey) before it deletes /var/lib/rpm. Facts: `packages`
# is "name=[epoch:]version-release" from `rpm -qa`, the ground truth the SBOM must equal. No .NET runtime: the tests
# publish on them, nothing runs them.
AZL_OS_RELEASE='NAME="Microsoft Azure Linux"\nVERSION="3.0.20240727"\nID=azurelinux\nVERSION_ID="3.0"\nPRETTY_NAME="Microsoft Azure Linux 3.0"\n'
fill_azurelinux() {
  mkdir -p "$1/etc"
  printf "$AZL_OS_RELEASE" >"$1/etc/os-release"
  write_nonroot_users "$1"
  command -v rpmbuild >/dev/null || die "'rpmbuild' not found; run eng/install-deps.sh (Debian's rpm)"
  "$here/rpm/make-rootfs.sh" "$1" "$WORK/rpmbuild"
  rpm -qa --root "$1" --dbpath /var/lib/rpm --qf '%{NAME}=%|EPOCH?{%{EPOCH}:}:{}|%{VERSION}-%{RELEASE}\n' |
    grep -v '^gpg-pubkey=' | sort >"$WORK/azurelinux.packages"
  # The shared-memory index and the lock are run-time files of rpm (each query recreates them), not the database.
  rm -f "$1/var/lib/rpm/rpmdb.sqlite-shm" "$1/var/lib/rpm/.rpm.lock"
}
fill_azurelinux_distroless() {
  fill_azurelinux "$1"
  mkdir -p "$1/var/lib/rpmmanifest"
  rpm -qa --root "$1" --dbpath /var/lib/rpm --qf '%{NAME}.%{VERSION}-%{RELEASE}.%{ARCH}\n' | grep -v '^gpg-pubkey' | sort \
    >"$1/var/lib/rpmmanifest/container-manifest-1"
  rpm -qa --root "$1" --dbpath /var/lib/rpm \
    --qf '%{NAME}\t%{VERSION}-%{RELEASE}\t%{INSTALLTIME}\t%{BUILDTIME}\t%{VENDOR}\t%{EPOCH}\t%{SIZE}\t%{ARCH}\t%{EPOCHNUM}\t%{SOURCERPM}\n' |
    grep -v '^gpg-pubkey' | sort >"$1/var/lib/rpmmanifest/container-manifest-2"
  rm -rf "$1/var/lib/rpm"
}
build_azurelinux_family() {
  local name fill t0=$SECONDS
  for name in azurelinux azurelinux-distroless; do
    fixture_exists "$name" && { log "$name: exists, skipped"; continue; }
    fill=fill_${name//-/_}
    local layout="$WORK/$name"
    build_rootfs_layout "$layout" "$fill"
    configure_tag "$layout" 3.0 --config.user 1654 --config.env "$PATH_ENV" --config.env APP_UID=1654
    write_facts "$name" "$(image_facts "$layout" 3.0 | jq --argjson pk "$(jq -R . <"$WORK/azurelinux.packages" | jq -s .)" \
      --arg n "$name" '. + {
      layout: $n, tag: "3.0", repository: ("base/" + $n), shell: false, dpkgDatabase: null, packageDatabase: "rpm",
      packages: $pk, frameworks: {}, setuidFiles: [], deletedPaths: [],
      osRelease: {ID: "azurelinux", VERSION_ID: "3.0"}}')"
    publish_layout "$name" "$layout"
  done
  log "azurelinux, azurelinux-distroless: built in $((SECONDS - t0)) s"
}

# chiseled:1 = a chiseled-Ubuntu-style base: slices of real Debian packages cut into the rootfs, chisel's zstd jsonwall
# manifest at /var/lib/chisel/manifest.wall (written by chisel-fixture.py, independently of the product's reader), and
# chisel-wrapper's /var/lib/dpkg/status.d/<name> for every package but zlib1g, which only the manifest names (chisel
# run without the wrapper). Facts: `packages` (each once in the SBOM), `chiselSlices` (package -> its slices, sorted),
# `debSha256` (the .deb hashes the manifest records), `statusD` (packages with a dpkg record).
CHISEL_PKGS=(base-files ca-certificates libc6 zlib1g)
CHISEL_STATUSD_PKGS=(base-files ca-certificates libc6)
fill_chiseled() {
  local p specs=()
  command -v zstd >/dev/null || die "'zstd' not found; run eng/install-deps.sh"
  for p in "${CHISEL_PKGS[@]}"; do specs+=("$p=$(deb_path "$p")"); done
  python3 "$here/chisel-fixture.py" "$1" "$WORK/chiseled.facts.json" "${specs[@]}" || die "chisel-fixture.py failed"
  mkdir -p "$1/var/lib/dpkg/status.d"
  for p in "${CHISEL_STATUSD_PKGS[@]}"; do dpkg-deb -f "$(deb_path "$p")" >"$1/var/lib/dpkg/status.d/$p"; done
  write_nonroot_users "$1"
}
build_chiseled() {
  fixture_exists chiseled && { log "chiseled: exists, skipped"; return; }
  local t0=$SECONDS layout="$WORK/chiseled"
  fetch_debs "${CHISEL_PKGS[@]}"
  build_rootfs_layout "$layout" fill_chiseled
  configure_tag "$layout" 1 --config.user 1654 --config.env "$PATH_ENV" --config.env APP_UID=1654
  no_shell_check "$layout" 1
  write_facts chiseled "$(image_facts "$layout" 1 | jq --slurpfile c "$WORK/chiseled.facts.json" \
    --argjson pk "$(pkg_facts "${CHISEL_PKGS[@]}")" --argjson sd "$(printf '%s\n' "${CHISEL_STATUSD_PKGS[@]}" | jq -R . | jq -s .)" '. + {
      layout: "chiseled", tag: "1", repository: "base/chiseled", shell: false, dpkgDatabase: "status.d",
      packages: $pk, frameworks: {}, setuidFiles: [], deletedPaths: [], statusD: $sd,
      chiselManifest: "/var/lib/chisel/manifest.wall", chiselSlices: $c[0].chiselSlices, debSha256: $c[0].debSha256}')"
  [ "$(jq -c .packages "$FACTS/chiseled.json")" = "$(jq -c '$c[0].chiselPackages | sort' --slurpfile c "$WORK/chiseled.facts.json" -n)" ] ||
    die "chiseled: the manifest's packages differ from the .debs'"
  publish_layout chiseled "$layout"
  log "chiseled: built in $((SECONDS - t0)) s"
}

# Hostile and unusual bases for the base-trust tests, written byte by byte by hostile-fixtures.py
# (umoci and GNU tar will not write most of them). The hostile images reuse minimal's layer as
# their first layer, so they come after build_minimal_family. ~2 s for all.
TRUST_FIXTURES=(hostile-traversal hostile-absolute hostile-symlink hostile-hardlink hostile-truncated
  hostile-tartrunc hostile-bomb hostile-entries hostile-digest apk rpm)
build_trust_fixtures() {
  local todo=() n t0=$SECONDS
  for n in "${TRUST_FIXTURES[@]}"; do fixture_exists "$n" || todo+=("$n"); done
  [ ${#todo[@]} -eq 0 ] && { log "hostile-*, apk, rpm: exist, skipped"; return; }
  python3 "$here/hostile-fixtures.py" "$OUT" "$FACTS" "${todo[@]}" || die "hostile-fixtures.py failed"
  log "${todo[*]}: built in $((SECONDS - t0)) s"
}

# ---------------------------------------------------------------- deb license facts
# deb-licenses.json: for each Debian fixture below, every package's license short names as its machine-readable copyright
# file states them, read from the image's merged tree (umoci applies the whiteouts and keeps the doc-directory links,
# so libstdc++6 reads gcc-12-base's file and layered has no tzdata one). Computed here with awk, independently of the
# C# parser: the License synopsis of each Files stanza split on "or"/"and" (comma optional), deduplicated
# case-insensitively (first spelling kept), sorted bytewise; null when the file is missing or free-form (no copyright-
# format 1.0 Format field). Recomputed when a fixture's facts are newer. ~10 s.
DEB_LICENSE_FIXTURES=(aspnet fat layered)
dep5_license_names() { # copyright-file -> one short name a line, or FREEFORM
  awk '
    function flush() {
      if (hasfiles && lic != "") {
        n = split(lic, parts, /,?[ \t]+([oO][rR]|[aA][nN][dD])[ \t]+/)
        for (i = 1; i <= n; i++) {
          t = parts[i]; sub(/^[ \t]+/, "", t); sub(/[ \t,]+$/, "", t)
          if (t != "" && !(tolower(t) in seen)) { seen[tolower(t)] = 1; print t }
        }
      }
      hasfiles = 0; lic = ""
    }
    /^[ \t]*$/ { if (in_stanza) flush(); in_stanza = 0; next }
    /^#/ { next }
    /^[ \t]/ { next }
    {
      if (!in_stanza) { in_stanza = 1; stanza++ }
      c = index($0, ":"); if (c == 0) next
      field = tolower(substr($0, 1, c - 1)); val = substr($0, c + 1)
      sub(/^[ \t]+/, "", val); sub(/[ \t]+$/, "", val)
      if (stanza == 1 && field == "format" && tolower(val) ~ /^https?:\/\/www\.debian\.org\/doc\/packaging-manuals\/copyright-format\/1\.0\/?$/) format = 1
      if (stanza > 1 && field == "files") hasfiles = 1
      if (stanza > 1 && field == "license") lic = val
    }
    END { flush(); if (!format) print "FREEFORM" }
  ' "$1"
}
build_deb_license_facts() {
  local out="$OUT/deb-licenses.json" n stale=0
  for n in "${DEB_LICENSE_FIXTURES[@]}"; do [ "$FACTS/$n.json" -nt "$out" ] && stale=1; done
  [ -f "$out" ] && [ $stale = 0 ] && { log "deb-licenses: exists, skipped"; return; }
  local t0=$SECONDS all='{}' bundle rootfs pv p f names per
  for n in "${DEB_LICENSE_FIXTURES[@]}"; do
    bundle="$WORK/$n.licenses"
    umoci unpack --image "$OUT/$n:$(jq -r .tag "$FACTS/$n.json")" "$bundle" >/dev/null 2>&1 || die "umoci unpack $n failed"
    rootfs=$(cd "$bundle/rootfs" && pwd -P)
    per='{}'
    for pv in $(jq -r '.packages[]' "$FACTS/$n.json"); do
      p=${pv%%=*}
      f=$(readlink -f "$rootfs/usr/share/doc/$p/copyright" || true)
      names=null
      # Debian's doc links are relative; one resolving outside the rootfs would be the host's file, so it counts as none.
      if [ -n "$f" ] && [ -f "$f" ] && [ "${f#"$rootfs"/}" != "$f" ]; then
        names=$(dep5_license_names "$f" | LC_ALL=C sort | jq -R . | jq -sc 'if . == ["FREEFORM"] then null else . end')
      fi
      per=$(jq -c --arg p "$p" --argjson v "$names" '. + {($p): $v}' <<<"$per")
    done
    all=$(jq -c --arg n "$n" --argjson v "$per" '. + {($n): $v}' <<<"$all")
    rm -rf "$bundle"
  done
  jq -S . <<<"$all" >"$out.tmp" && mv "$out.tmp" "$out"
  log "deb-licenses: computed in $((SECONDS - t0)) s"
}

# ---------------------------------------------------------------- main
start=$SECONDS
build_runtime
build_aspnet_family
build_fat
build_minimal_family
build_trust_fixtures
build_azurelinux_family
build_deb_license_facts
build_chiseled

trust_facts=()
for n in "${TRUST_FIXTURES[@]}"; do trust_facts+=("$FACTS/$n.json"); done
jq -s --arg host "$DEB_ARCH" '{
    schemaVersion: 1,
    generator: "eng/testbed/build-fixtures.sh",
    fixtures: (map({key: .name, value: .}) | from_entries)
  }' "$FACTS"/runtime.json "$FACTS"/aspnet.json "$FACTS"/aspnet-root.json "$FACTS"/multi.json \
  "$FACTS"/multi-root.json "$FACTS"/fat.json "$FACTS"/minimal.json "$FACTS"/layered.json \
  "${trust_facts[@]}" "$FACTS"/azurelinux.json "$FACTS"/azurelinux-distroless.json "$FACTS"/chiseled.json >"$OUT/fixtures.json.tmp"
mv "$OUT/fixtures.json.tmp" "$OUT/fixtures.json"
log "fixtures in $OUT (facts: $OUT/fixtures.json), total $((SECONDS - start)) s"
jq -r '.fixtures[] | "  \(.layout):\(.tag)  \(.digest)  user=\(.user // "-")"' "$OUT/fixtures.json" >&2
