#!/usr/bin/env python3
"""Cuts slices of real .deb packages into a rootfs and writes /var/lib/chisel/manifest.wall the way chisel does.

Usage: chisel-fixture.py ROOTFS FACTS_OUT NAME=DEB...

An independent writer of chisel's format (canonical/chisel public/jsonwall and public/manifest, schema 1.0): one JSON
object a line, compact, fields in chisel's struct order, lines sorted bytewise, a header
{"jsonwall":"1.0","schema":"1.0","count":N} where N counts the header too, the whole compressed with the zstd tool.
Entries: "package" (name, version, sha256 of the .deb, arch), "slice" (package_slice), "path" (path, mode as "0%o",
slices, sha256, size or link; directories end in "/") and "content" (slice, path). The manifest lists itself without a
hash, as chisel does (it is being written when chisel reports it).

FACTS_OUT gets {"chiselSlices": {package: [slice...]}, "debSha256": {package: hex}, "chiselPackages": ["name=version"]}.
Only the standard library, dpkg-deb and zstd are used.
"""
import glob
import hashlib
import json
import os
import shutil
import stat
import subprocess
import sys
import tempfile

MANIFEST_DIR = "/var/lib/chisel/"
MANIFEST = MANIFEST_DIR + "manifest.wall"

# Slices modelled on Ubuntu's chisel-releases, over Debian 12's file layout (globs relative to the package's files).
SLICES = {
    "base-files_base": ["/etc/debian_version", "/etc/host.conf", "/etc/issue", "/etc/issue.net"],
    "base-files_release-info": ["/etc/debian_version", "/etc/os-release", "/usr/lib/os-release"],
    # Ubuntu's base-files_chisel holds "/var/lib/chisel/**: {generate: manifest}".
    "base-files_chisel": [],
    "ca-certificates_data": ["/usr/share/ca-certificates/mozilla/*.crt"],
    "libc6_libs": ["/lib/*-linux-gnu/ld-linux-*.so.*", "/lib/*-linux-gnu/libc.so.6", "/lib/*-linux-gnu/libm.so.6",
                   "/lib64/ld-linux-*.so.*"],
    "zlib1g_libs": ["/lib/*-linux-gnu/libz.so.1*"],
}


def control(deb, field):
    return subprocess.run(["dpkg-deb", "-f", deb, field], check=True, capture_output=True, text=True).stdout.strip()


def sha256_file(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def encode(obj):
    # Go's encoding/json: compact, UTF-8, and <, >, & escaped (none occur in these paths).
    return json.dumps(obj, separators=(",", ":"), ensure_ascii=False)


def main():
    rootfs, facts_out, specs = sys.argv[1], sys.argv[2], sys.argv[3:]
    debs = dict(s.split("=", 1) for s in specs)
    staging = tempfile.mkdtemp(prefix="chisel-fixture.")
    entries, paths, facts = [], {}, {"chiselSlices": {}, "debSha256": {}, "chiselPackages": []}
    try:
        for name, deb in sorted(debs.items()):
            version, arch = control(deb, "Version"), control(deb, "Architecture")
            digest = sha256_file(deb)
            entries.append({"kind": "package", "name": name, "version": version, "sha256": digest, "arch": arch})
            facts["debSha256"][name] = digest
            facts["chiselPackages"].append(f"{name}={version}")
            subprocess.run(["dpkg-deb", "-x", deb, os.path.join(staging, name)], check=True)

        for slice_name, patterns in sorted(SLICES.items()):
            package = slice_name.split("_", 1)[0]
            if package not in debs:
                continue
            entries.append({"kind": "slice", "name": slice_name})
            facts["chiselSlices"].setdefault(package, []).append(slice_name)
            src_root = os.path.join(staging, package)
            for pattern in patterns:
                matches = sorted(glob.glob(src_root + pattern))
                if not matches and "lib64" not in pattern:
                    sys.exit(f"chisel-fixture: {slice_name}: nothing matches {pattern}")
                for src in matches:
                    rel = src[len(src_root):]
                    paths.setdefault(rel, {"src": src, "slices": set()})["slices"].add(slice_name)

        if "base-files" in debs:
            paths[MANIFEST_DIR] = {"src": None, "slices": {"base-files_chisel"}}
            paths[MANIFEST] = {"src": None, "slices": {"base-files_chisel"}}

        for rel, info in sorted(paths.items()):
            slices = sorted(info["slices"])
            for s in slices:
                entries.append({"kind": "content", "slice": s, "path": rel})
            entry = {"kind": "path", "path": rel}
            dest = os.path.join(rootfs, rel.lstrip("/"))
            src = info["src"]
            if src is None:
                os.makedirs(os.path.join(rootfs, MANIFEST_DIR.lstrip("/")), mode=0o755, exist_ok=True)
                entry.update({"mode": "0755" if rel.endswith("/") else "0644", "slices": slices})
            elif os.path.islink(src):
                os.makedirs(os.path.dirname(dest), exist_ok=True)
                if os.path.lexists(dest):
                    os.remove(dest)
                os.symlink(os.readlink(src), dest)
                entry.update({"mode": "0777", "slices": slices, "link": os.readlink(src)})
            else:
                os.makedirs(os.path.dirname(dest), exist_ok=True)
                shutil.copy2(src, dest)
                st = os.stat(src)
                entry.update({"mode": "0%o" % stat.S_IMODE(st.st_mode), "slices": slices, "sha256": sha256_file(src)})
                if st.st_size:
                    entry["size"] = st.st_size
            entries.append(entry)

        lines = sorted((encode(e).encode() for e in entries))
        header = encode({"jsonwall": "1.0", "schema": "1.0", "count": len(lines) + 1}).encode()
        text = os.path.join(staging, "manifest.wall.txt")
        with open(text, "wb") as f:
            f.write(header + b"\n" + b"".join(line + b"\n" for line in lines))
        wall = os.path.join(rootfs, MANIFEST.lstrip("/"))
        subprocess.run(["zstd", "-q", "-f", "-19", "-o", wall, text], check=True)
        os.chmod(wall, 0o644)
        with open(facts_out, "w") as f:
            json.dump(facts, f, indent=2, sort_keys=True)
    finally:
        shutil.rmtree(staging)


if __name__ == "__main__":
    main()
