#!/usr/bin/env bash
# Builds the test bed's .rpm files from the spec files beside this script with Debian's rpmbuild and installs them
# into ROOTFS with rpm's sqlite backend, so ROOTFS/var/lib/rpm/rpmdb.sqlite is a database rpm itself wrote (the
# layout Azure Linux 3 keeps). Used by build-fixtures.sh and by the rpm database tests.
# Usage: eng/testbed/rpm/make-rootfs.sh ROOTFS [WORKDIR]
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=${1:?usage: make-rootfs.sh ROOTFS [WORKDIR]}
work=${2:-$(mktemp -d "${TMPDIR:-/tmp}/sc-rpmbuild.XXXXXX")}
mkdir -p "$root" "$work"
root=$(cd "$root" && pwd)
for spec in "$here"/*.spec; do
  # Fixed build host and time keep the headers (and so their digests) the same from run to run.
  SOURCE_DATE_EPOCH=1700000000 rpmbuild --quiet --define "_topdir $work" --define "_buildhost testbed" \
    --define "use_source_date_epoch_as_buildtime 1" --define "_db_backend sqlite" -bb "$spec" >/dev/null
done
rpm --root "$root" --dbpath /var/lib/rpm --define "_db_backend sqlite" --initdb
# Debian's rpm prints an "use Alien instead" notice on install; it is harmless.
rpm --root "$root" --dbpath /var/lib/rpm --define "_db_backend sqlite" -i --nodeps --noscripts --nosignature \
  "$work"/RPMS/*/*.rpm 2>/dev/null
[ -s "$root/var/lib/rpm/rpmdb.sqlite" ] || { echo "make-rootfs.sh: no rpmdb.sqlite written" >&2; exit 1; }
