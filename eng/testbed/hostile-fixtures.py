#!/usr/bin/env python3
"""Writes the "base image trust" fixtures: hostile and unusual base images as OCI image layouts.

The product reads base layers streamed (GZipStream + TarReader) and must refuse hostile ones with
a coded error before the SDK is ever reached, so each hostile image only needs a valid manifest
and config; the hostile part is its LAST layer. Layers are written here byte by byte (tarfile +
zlib), because umoci and GNU tar refuse to produce most of them.

Usage: hostile-fixtures.py OUTDIR FACTSDIR [NAME...]
  OUTDIR    the layouts folder of build-fixtures.sh; OUTDIR/minimal must exist (its layer is the
            benign first layer of every hostile image)
  FACTSDIR  where <name>.json facts go (merged into fixtures.json by build-fixtures.sh)
  NAME...   fixtures to (re)build; default all. Existing layouts are replaced.

Output is deterministic for a given minimal layer: fixed mtimes, gzip headers without a time.
"""
import gzip
import hashlib
import io
import json
import os
import shutil
import struct
import sys
import tarfile
import tempfile
import time
import zlib

LAYER_GZIP = "application/vnd.oci.image.layer.v1.tar+gzip"
MANIFEST = "application/vnd.oci.image.manifest.v1+json"
CONFIG = "application/vnd.oci.image.config.v1+json"
PATH_ENV = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
CREATED = "2026-01-01T00:00:00Z"
MTIME = 1767225600  # CREATED as a Unix time, for every tar entry
NONROOT_ENV = [PATH_ENV, "APP_UID=1654"]


def sha256(data):
    return "sha256:" + hashlib.sha256(data).hexdigest()


def gz(data, level=9):
    # mtime=0 and no file name keep the bytes reproducible, as `gzip -n` does.
    return gzip.compress(data, compresslevel=level, mtime=0)


# ------------------------------------------------------------------ tar building
class Tar:
    """An in-memory tar stream; entry names are written exactly as given (no sanitizing)."""

    def __init__(self):
        self.buf = io.BytesIO()
        self.tar = tarfile.open(fileobj=self.buf, mode="w", format=tarfile.PAX_FORMAT)

    def _info(self, name, kind, mode, uid, gid):
        ti = tarfile.TarInfo(name)
        ti.type, ti.mode, ti.uid, ti.gid, ti.mtime = kind, mode, uid, gid, MTIME
        ti.uname = ti.gname = ""
        return ti

    def dir(self, name, mode=0o755, uid=0, gid=0):
        self.tar.addfile(self._info(name, tarfile.DIRTYPE, mode, uid, gid))

    def file(self, name, data=b"", mode=0o644, uid=0, gid=0):
        if isinstance(data, str):
            data = data.encode()
        ti = self._info(name, tarfile.REGTYPE, mode, uid, gid)
        ti.size = len(data)
        self.tar.addfile(ti, io.BytesIO(data))

    def symlink(self, name, target):
        ti = self._info(name, tarfile.SYMTYPE, 0o777, 0, 0)
        ti.linkname = target
        self.tar.addfile(ti)

    def hardlink(self, name, target):
        ti = self._info(name, tarfile.LNKTYPE, 0o644, 0, 0)
        ti.linkname = target
        self.tar.addfile(ti)

    def bytes(self):
        self.tar.close()  # writes the two zero blocks that end the archive
        return self.buf.getvalue()


def nonroot_users(t):
    t.dir("etc/")
    t.file("etc/passwd", "root:x:0:0:root:/root:/sbin/nologin\napp:x:1654:1654::/home/app:/sbin/nologin\n")
    t.file("etc/group", "root:x:0:\napp:x:1654:\n")
    t.dir("home/")
    t.dir("home/app/", uid=1654, gid=1654)
    t.dir("tmp/", mode=0o1777)


# ------------------------------------------------------------------ layout writing
class Layer:
    """A layer blob plus the diff_id its config records."""

    def __init__(self, blob, diff_id, created_by):
        self.blob, self.diff_id, self.created_by = blob, diff_id, created_by
        self.digest = sha256(blob)

    @staticmethod
    def of_tar(tar_bytes, created_by):
        return Layer(gz(tar_bytes), sha256(tar_bytes), created_by)


def write_layout(path, tag, layers, user="1654", env=NONROOT_ENV):
    """Writes a single-platform linux/amd64 OCI layout whose tag names a manifest of `layers`."""
    blobs = os.path.join(path, "blobs", "sha256")
    os.makedirs(blobs)

    def put(data):
        d = sha256(data)
        with open(os.path.join(blobs, d[7:]), "wb") as f:
            f.write(data)
        return {"digest": d, "size": len(data)}

    config = {
        "created": CREATED, "architecture": "amd64", "os": "linux",
        "config": {"User": user, "Env": env},
        "rootfs": {"type": "layers", "diff_ids": [l.diff_id for l in layers]},
        "history": [{"created": CREATED, "created_by": l.created_by} for l in layers],
    }
    cfg = put(json.dumps(config, separators=(",", ":")).encode())
    manifest = {
        "schemaVersion": 2, "mediaType": MANIFEST,
        "config": {"mediaType": CONFIG, **cfg},
        "layers": [{"mediaType": LAYER_GZIP, **put(l.blob)} for l in layers],
    }
    man = put(json.dumps(manifest, separators=(",", ":")).encode())
    with open(os.path.join(path, "oci-layout"), "w") as f:
        json.dump({"imageLayoutVersion": "1.0.0"}, f)
    with open(os.path.join(path, "index.json"), "w") as f:
        json.dump({"schemaVersion": 2, "manifests": [{
            "mediaType": MANIFEST, **man,
            "annotations": {"org.opencontainers.image.ref.name": tag}}]}, f, separators=(",", ":"))
    return {
        "mediaType": MANIFEST, "digest": man["digest"], "size": man["size"],
        "configDigest": cfg["digest"], "layers": [l.digest for l in layers],
        "os": "linux", "architecture": "amd64", "user": user, "env": env, "exposedPorts": [],
    }


# ------------------------------------------------------------------ the minimal base layer
def minimal_layer(out, facts_dir):
    with open(os.path.join(facts_dir, "minimal.json")) as f:
        facts = json.load(f)
    blobs = os.path.join(out, "minimal", "blobs", "sha256")
    with open(os.path.join(blobs, facts["configDigest"][7:])) as f:
        diff_id = json.load(f)["rootfs"]["diff_ids"][0]
    with open(os.path.join(blobs, facts["layers"][0][7:]), "rb") as f:
        blob = f.read()
    return Layer(blob, diff_id, "eng/testbed/build-fixtures.sh fill_minimal (layer of minimal:1)"), facts


# ------------------------------------------------------------------ hostile layers
def traversal():
    t = Tar()
    t.dir("opt/")
    t.file("opt/benign.txt", "a benign file before the hostile entries\n")
    t.file("../../etc/evil", "written outside the root by a path with ..\n")
    t.file("etc/../../evil", "escapes the root through .. in the middle of the path\n")
    return Layer.of_tar(t.bytes(), "testbed: hostile layer, entries with .. leaving the root"), {
        "entries": ["../../etc/evil", "etc/../../evil"]}


def absolute():
    t = Tar()
    t.dir("opt/")
    t.file("opt/benign.txt", "a benign file before the hostile entry\n")
    t.file("/etc/evil", "an absolute entry name\n")
    return Layer.of_tar(t.bytes(), "testbed: hostile layer, absolute entry name"), {
        "entries": ["/etc/evil"],
        "note": "tar implementations usually strip the leading '/'; a scanner may refuse or normalize it"}


def symlink():
    t = Tar()
    t.dir("etc/")
    t.symlink("etc/passwd", "../x")
    t.symlink("x", "../../../../outside/passwd")
    return Layer.of_tar(t.bytes(), "testbed: hostile layer, /etc/passwd symlink chain leaving the root"), {
        "entries": ["etc/passwd -> ../x", "x -> ../../../../outside/passwd"]}


def hardlink():
    t = Tar()
    t.dir("opt/")
    t.hardlink("opt/link", "opt/does-not-exist")
    return Layer.of_tar(t.bytes(), "testbed: hostile layer, hardlink to a missing target"), {
        "entries": ["opt/link => opt/does-not-exist"]}


def noise(n):
    # Incompressible-ish but deterministic bytes, so the deflate stream is long enough to cut.
    out, h = bytearray(), b"testbed"
    while len(out) < n:
        h = hashlib.sha256(h).digest()
        out += h
    return bytes(out[:n])


def truncated():
    t = Tar()
    t.dir("opt/")
    t.file("opt/data.bin", noise(64 * 1024))
    full_tar = t.bytes()
    full = gz(full_tar)
    cut = len(full) // 2
    # diff_id is what the full layer would have inflated to; the blob digest is of the cut bytes,
    # so the registry accepts it and only the gzip stream is broken.
    return Layer(full[:cut], sha256(full_tar), "testbed: hostile layer, gzip stream cut in the middle"), {
        "compressedSize": len(full), "truncatedAt": cut,
        "note": ".NET's GZipStream ends silently at the cut (no exception); TarReader then throws "
                "EndOfStreamException inside opt/data.bin, as for hostile-tartrunc. Only the diff_id "
                "(sha256 of the inflated tar) tells the two apart: here it does not match."}


def tartrunc():
    t = Tar()
    t.dir("opt/")
    t.file("opt/data.bin", noise(10000))
    full_tar = t.bytes()
    # directory header (512) + file header (512) + 4096 of the file's 10000 bytes; no end marker.
    cut = 512 + 512 + 4096
    tar = full_tar[:cut]
    return Layer.of_tar(tar, "testbed: hostile layer, valid gzip of a tar cut inside an entry"), {
        "tarSize": len(tar), "entry": "opt/data.bin", "entrySize": 10000, "entryBytesPresent": 4096,
        "note": "the gzip stream is complete and the diff_id matches the (cut) tar; TarReader throws "
                "EndOfStreamException while reading opt/data.bin"}


BOMB_SIZE = 64 * 1024 * 1024


def bomb():
    # Streamed so the 64 MiB of zeros are never all in memory at once (header + data + padding + end).
    ti = tarfile.TarInfo("opt/zeros.bin")
    ti.size, ti.mode, ti.mtime, ti.uname, ti.gname = BOMB_SIZE, 0o644, MTIME, "", ""
    header = ti.tobuf(format=tarfile.PAX_FORMAT)
    h = hashlib.sha256()
    comp = zlib.compressobj(9, zlib.DEFLATED, 31)  # wbits 31: gzip wrapper, header mtime 0
    parts, total = [], 0

    def feed(data):
        nonlocal total
        h.update(data)
        total += len(data)
        parts.append(comp.compress(data))

    feed(header)
    chunk = bytes(1024 * 1024)
    for _ in range(BOMB_SIZE // len(chunk)):
        feed(chunk)
    feed(bytes(1024))  # two zero blocks: end of archive (the data needs no padding: 64 MiB % 512 == 0)
    parts.append(comp.flush())
    blob = b"".join(parts)
    return Layer(blob, "sha256:" + h.hexdigest(), "testbed: hostile layer, 64 MiB of zeros in one file"), {
        "uncompressedBytes": total, "fileBytes": BOMB_SIZE, "compressedBytes": len(blob)}


ENTRY_COUNT = 20000


def entries():
    t = Tar()
    t.dir("opt/")
    t.dir("opt/entries/")
    for d in range(ENTRY_COUNT // 1000):
        t.dir(f"opt/entries/{d:02d}/")
        for i in range(1000 - 1):
            t.file(f"opt/entries/{d:02d}/{i:03d}", b"x")
    # 2 + 20 directories + 20 * 999 files = 20,002 entries in the layer
    n = 2 + ENTRY_COUNT // 1000 * 1000
    return Layer.of_tar(t.bytes(), f"testbed: hostile layer, {n} tiny entries"), {"entryCount": n}


def digest():
    t = Tar()
    t.dir("opt/")
    t.file("opt/testbed-tamper-target.txt",
           "push-fixtures.sh flips bytes of this layer's blob in the registry's storage, so the\n"
           "registry serves bytes whose sha256 is not the digest. This content is unique to\n"
           "hostile-digest:1 so no other fixture shares (and loses) this blob.\n")
    # The tamper flips the gzip header's MTIME field: the stream still inflates to this exact tar,
    # so the digest check is the only thing that can notice.
    return Layer.of_tar(t.bytes(), "testbed: layer that push-fixtures.sh tampers in the registry"), {
        "tamperedBy": "eng/testbed/tamper-blob.sh (run by push-fixtures.sh)",
        "tamperedBytes": "gzip header MTIME (offsets 4-7): still valid gzip, same tar content"}


HOSTILE = {
    "hostile-traversal": ("traversal", traversal),
    "hostile-absolute": ("absolute", absolute),
    "hostile-symlink": ("symlink", symlink),
    "hostile-hardlink": ("hardlink", hardlink),
    "hostile-truncated": ("truncated-gzip", truncated),
    "hostile-tartrunc": ("truncated-tar", tartrunc),
    "hostile-bomb": ("bomb", bomb),
    "hostile-entries": ("entries", entries),
    "hostile-digest": ("digest", digest),
}


# ------------------------------------------------------------------ unusual distributions
def apk_record(fields):
    return "".join(f"{k}:{v}\n" for k, v in fields) + "\n"


EMPTY_SHA1 = "Q12jmj7l5rSw0yVb/vlWAYkK/YBwk="  # apk's Q1 + base64(sha1) of an empty file

APK_PACKAGES = [
    [("C", "Q1mFHcd2hw/nSIQ3XVAq8GkZ6M0Rk="), ("P", "musl"), ("V", "1.2.5-r0"), ("A", "x86_64"),
     ("S", "411323"), ("I", "662528"), ("T", "the musl c library (libc) implementation"),
     ("U", "https://musl.libc.org/"), ("L", "MIT"), ("o", "musl"),
     ("m", "Natanael Copa <ncopa@alpinelinux.org>"), ("t", "1712839500"),
     ("c", "7c4a0b6b0e1b1c3c9cd6bd4d2e1ad7f2a1b5cbb0"),
     ("p", "so:libc.musl-x86_64.so.1=1"), ("F", "lib"), ("R", "ld-musl-x86_64.so.1"),
     ("a", "0:0:755"), ("Z", "Q1dwt1o2c5sDaytZ9XeQgUdYhxj3s="), ("R", "libc.musl-x86_64.so.1"),
     ("a", "0:0:777"), ("Z", "Q17yJ3JFNypA4mxhJJr0ou6CzsJVI=")],
    [("C", "Q1vYq/K7LhWIyqW6xGIvp1trGNUp0="), ("P", "busybox"), ("V", "1.36.1-r29"), ("A", "x86_64"),
     ("S", "511014"), ("I", "950272"), ("T", "Size optimized toolbox of many common UNIX utilities"),
     ("U", "https://busybox.net/"), ("L", "GPL-2.0-only"), ("o", "busybox"),
     ("m", "Sören Tempel <soeren+alpine@soeren-tempel.net>"), ("t", "1717502340"),
     ("c", "1d3b5c4b8ef2b0b3c1a7a4c4b9a7e5c2d6e1f0a3"),
     ("D", "so:libc.musl-x86_64.so.1"), ("p", "/bin/sh cmd:busybox=1.36.1-r29 cmd:sh=1.36.1-r29"),
     ("F", "bin"), ("R", "busybox"), ("a", "0:0:755"), ("Z", EMPTY_SHA1),
     ("R", "sh"), ("a", "0:0:777"), ("Z", "Q1pcfTfDNEbNKQc2s1tia7da05M8Q=")],
    [("C", "Q1a3oE0lRw4JvLrNjU1ZiyL3NYb3o="), ("P", "alpine-baselayout"), ("V", "3.6.5-r0"), ("A", "x86_64"),
     ("S", "8515"), ("I", "315392"), ("T", "Alpine base dir structure and init scripts"),
     ("U", "https://git.alpinelinux.org/cgit/aports/tree/main/alpine-baselayout"),
     ("L", "GPL-2.0-only"), ("o", "alpine-baselayout"),
     ("m", "Natanael Copa <ncopa@alpinelinux.org>"), ("t", "1714981135"),
     ("c", "66187892e05b03a41d08e9acabd19b7576a1c875"),
     ("D", "/bin/sh"), ("r", "alpine-baselayout"),
     ("F", "etc"), ("R", "os-release"), ("a", "0:0:777"), ("Z", "Q1sp4+5w4Ee+2nlT47uTa0s4KKOf8=")],
    [("C", "Q1tn1cRhxxF3SsPF2L9oVfYbnRA7E="), ("P", "ca-certificates-bundle"), ("V", "20240705-r0"),
     ("A", "x86_64"), ("S", "126864"), ("I", "228864"),
     ("T", "Pre generated bundle of Mozilla certificates"),
     ("U", "https://www.mozilla.org/en-US/about/governance/policies/security-group/certs/"),
     ("L", "MPL-2.0 AND MIT"), ("o", "ca-certificates"),
     ("m", "Natanael Copa <ncopa@alpinelinux.org>"), ("t", "1720609818"),
     ("c", "8f86e5b3b0ac5f5ccdb1e1b0a7d7e4c1e3f7d6b5"),
     ("p", "ca-certificates-cacert=20240705-r0")],
]


def apk():
    t = Tar()
    t.dir("bin/")
    t.file("bin/busybox", b"", mode=0o755)  # empty: nothing runs it, its presence is what matters
    t.symlink("bin/sh", "/bin/busybox")
    nonroot_users(t)
    t.file("etc/alpine-release", "3.20.3\n")
    t.file("etc/os-release",
           'NAME="Alpine Linux"\nID=alpine\nVERSION_ID=3.20.3\nPRETTY_NAME="Alpine Linux v3.20"\n'
           'HOME_URL="https://alpinelinux.org/"\nBUG_REPORT_URL="https://gitlab.alpinelinux.org/alpine/aports/-/issues"\n')
    for d in ("lib/", "lib/apk/", "lib/apk/db/"):
        t.dir(d)
    t.file("lib/apk/db/installed", "".join(apk_record(p) for p in APK_PACKAGES))
    pk = sorted(f"{dict(p)['P']}={dict(p)['V']}" for p in APK_PACKAGES)
    return Layer.of_tar(t.bytes(), "testbed: synthetic Alpine 3.20 layer (real apk database format)"), {
        "shell": True, "dpkgDatabase": None, "packageDatabase": "apk", "packages": pk,
        "osRelease": {"ID": "alpine", "VERSION_ID": "3.20.3"}}


def berkeleydb_packages_bytes():
    # The first page of a BerkeleyDB hash database as rpm < 4.16 (RHEL 8, CentOS 7) keeps /var/lib/rpm/Packages:
    # the hash magic 0x00061561 at byte 12, version 9, a 4096-byte page size. SecureContainers finds the file by its
    # name and does not read BerkeleyDB, so the rest of the page stays empty.
    page = bytearray(4096)
    struct.pack_into("<III", page, 12, 0x00061561, 9, 4096)
    return bytes(page)


def rpm():
    t = Tar()
    nonroot_users(t)
    t.file("etc/os-release",
           'NAME="CentOS Linux"\nVERSION="7 (Core)"\nID="centos"\nVERSION_ID="7"\n'
           'PRETTY_NAME="CentOS Linux 7 (Core)"\n')
    for d in ("var/", "var/lib/", "var/lib/rpm/"):
        t.dir(d)
    t.file("var/lib/rpm/Packages", berkeleydb_packages_bytes())
    return Layer.of_tar(t.bytes(), "testbed: CentOS 7-like layer with a BerkeleyDB rpm database"), {
        "shell": False, "dpkgDatabase": None, "packageDatabase": "rpm-berkeleydb",
        "rpmDatabase": "/var/lib/rpm/Packages", "packages": [],
        "osRelease": {"ID": "centos", "VERSION_ID": "7"}}


DISTROS = {"apk": apk, "rpm": rpm}
ALL = list(HOSTILE) + list(DISTROS)


# ------------------------------------------------------------------ main
def build(name, out, facts_dir, work, base):
    t0 = time.monotonic()
    tag = "1"
    tmp = tempfile.mkdtemp(prefix=name + ".", dir=work)
    layout = os.path.join(tmp, "layout")
    common = {"layout": name, "tag": tag, "repository": "base/" + name, "frameworks": {},
              "setuidFiles": [], "deletedPaths": []}
    if name in HOSTILE:
        kind, make = HOSTILE[name]
        base_layer, base_facts = base()
        layer, detail = make()
        facts = write_layout(layout, tag, [base_layer, layer])
        # Packages are those of the benign first layer: what a scanner that got past the hostile
        # layer would report. The hostile layer is always the last one.
        facts.update(common, shell=False, dpkgDatabase=base_facts["dpkgDatabase"],
                     packages=base_facts["packages"], hostile=kind,
                     hostileLayer=layer.digest, hostileDetail=detail)
    else:
        layer, extra = DISTROS[name]()
        facts = write_layout(layout, tag, [layer])
        facts.update(common, **extra)
    # A layout moves into OUTDIR only when complete (see build-fixtures.sh publish_layout).
    dest = os.path.join(out, name)
    shutil.rmtree(dest, ignore_errors=True)
    os.rename(layout, dest)
    shutil.rmtree(tmp)
    with open(os.path.join(facts_dir, name + ".json"), "w") as f:
        json.dump({"name": name, **facts}, f, indent=2)
    print(f"build-fixtures: {name}: built in {time.monotonic() - t0:.2f} s", file=sys.stderr)


def main(argv):
    if len(argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    out, facts_dir, names = argv[1], argv[2], argv[3:] or ALL
    for n in names:
        if n not in ALL:
            print(f"hostile-fixtures: unknown fixture {n}", file=sys.stderr)
            return 2
    cache = []

    def base():  # read minimal's layer once, only if a hostile fixture needs it
        if not cache:
            cache.append(minimal_layer(out, facts_dir))
        return cache[0]

    work = tempfile.mkdtemp(prefix=".hostile-work.", dir=out)
    try:
        for n in names:
            build(n, out, facts_dir, work, base)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
