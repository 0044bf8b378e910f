#!/usr/bin/env python3
"""Makes Notary-signed copies of the `multi:10.0` fixture in a registry, one repository per case, for the end-to-end tests.

Each `base/notary-<case>:10.0` is the same index (linux/amd64 = aspnet, windows/amd64) mounted from `base/multi`; its
index and its linux/amd64 manifest get Notary signatures as notation stores them: an OCI manifest of artifactType
`application/vnd.cncf.notary.signature` whose one layer is the envelope and whose subject is the signed manifest, listed
under the referrers tag fallback `sha256-<hex>` (Distribution 2.8 has no referrers API). The envelopes come from
make_notary_fixtures.py (openssl), never from the code under test.

It writes OUTDIR/truststore (notation's layout: x509/ca/testbed, x509/tsa/testbed), OUTDIR/trustpolicy.json covering every
case's repository, and OUTDIR/notary.json (the cases, digests and expected codes).

usage: push-notary-fixtures.py REGISTRY OUTDIR     (REGISTRY: host:port of a plain-HTTP registry with base/multi:10.0)
"""
import hashlib
import json
import os
import shutil
import subprocess
import sys
import urllib.request

INDEX_TYPES = "application/vnd.oci.image.index.v1+json, application/vnd.docker.distribution.manifest.list.v2+json"
MANIFEST_TYPES = "application/vnd.oci.image.manifest.v1+json, application/vnd.docker.distribution.manifest.v2+json"
EMPTY = b"{}"
EMPTY_DESCRIPTOR = {"mediaType": "application/vnd.oci.empty.v1+json", "digest": "sha256:" + hashlib.sha256(EMPTY).hexdigest(), "size": 2}
SOURCE, TAG = "base/multi", "10.0"

# case -> (index envelope, linux/amd64 envelopes, expected code); None = no signature. The index's envelope also signs
# the other platforms (valid.cose where the index has none).
CASES = {
    "valid": ("valid.cose", ["valid.cose"], None),
    "jws": ("valid.jws", ["valid.jws"], None),
    "other-root": ("valid.cose", ["other-root.cose"], "SC4129"),
    "expired-leaf": ("valid.cose", ["expired-leaf-no-timestamp.cose"], "SC4132"),
    "timestamp-outside": ("valid.cose", ["timestamp-outside-validity.cose"], "SC4132"),
    "other-digest": ("valid.cose", ["other-digest.cose"], "SC4127"),
    "altered-header": ("valid.cose", ["altered-protected-header.cose"], "SC4126"),
    "unknown-critical": ("valid.cose", ["unknown-critical-header.cose"], "SC4124"),
    "oversized": ("valid.cose", ["oversized.cose"], "SC4120"),
    "flood": ("valid.cose", ["valid.cose"] * 101, "SC4137"),
    "index-unsigned": (None, ["valid.cose"], "SC4138"),
}


def request(method, url, data=None, headers=None):
    req = urllib.request.Request(url, data=data, method=method, headers=headers or {})
    with urllib.request.urlopen(req) as response:
        return response.status, dict(response.headers), response.read()


class Registry:
    def __init__(self, host):
        self.base = f"http://{host}/v2"

    def manifest(self, repo, reference, accept):
        _, headers, body = request("GET", f"{self.base}/{repo}/manifests/{reference}", headers={"Accept": accept})
        return headers["Content-Type"].split(";")[0], body

    def put_manifest(self, repo, reference, media_type, body):
        request("PUT", f"{self.base}/{repo}/manifests/{reference}", body, {"Content-Type": media_type})
        return "sha256:" + hashlib.sha256(body).hexdigest()

    def mount(self, repo, digest):
        request("POST", f"{self.base}/{repo}/blobs/uploads/?mount={digest}&from={SOURCE}")

    def put_blob(self, repo, data):
        digest = "sha256:" + hashlib.sha256(data).hexdigest()
        try:
            request("HEAD", f"{self.base}/{repo}/blobs/{digest}")
            return digest
        except urllib.error.HTTPError:
            pass
        _, headers, _ = request("POST", f"{self.base}/{repo}/blobs/uploads/")
        location = headers["Location"]
        if location.startswith("/"):
            location = self.base[:-3] + location
        request("PUT", f"{location}{'&' if '?' in location else '?'}digest={digest}", data, {"Content-Type": "application/octet-stream"})
        return digest


def copy_multi(registry, repo):
    """The index and both platform manifests with their blobs, by cross-repository mount; digests unchanged."""
    index_type, index = registry.manifest(SOURCE, TAG, INDEX_TYPES)
    platform, others = None, []
    for entry in json.loads(index)["manifests"]:
        manifest_type, manifest = registry.manifest(SOURCE, entry["digest"], MANIFEST_TYPES)
        doc = json.loads(manifest)
        for blob in [doc["config"], *doc["layers"]]:
            registry.mount(repo, blob["digest"])
        registry.put_manifest(repo, entry["digest"], manifest_type, manifest)
        descriptor = {"mediaType": manifest_type, "digest": entry["digest"], "size": len(manifest)}
        if entry.get("platform", {}).get("os") == "linux":
            platform = descriptor
        else:
            others.append(descriptor)
    digest = registry.put_manifest(repo, TAG, index_type, index)
    return {"mediaType": index_type, "digest": digest, "size": len(index)}, platform, others


def attach(registry, repo, subject, envelopes, number):
    referrers = []
    registry.put_blob(repo, EMPTY)
    for i, path in enumerate(envelopes):
        with open(path, "rb") as f:
            envelope = f.read()
        media_type = "application/jose+json" if path.endswith(".jws") else "application/cose"
        layer = {"mediaType": media_type, "digest": registry.put_blob(repo, envelope), "size": len(envelope)}
        # The creation time differs per copy so that a flood of identical envelopes is a flood of distinct referrers.
        annotations = {"org.opencontainers.image.created": f"2026-01-01T{number:02d}:{i // 60:02d}:{i % 60:02d}Z"}
        manifest = {"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
                    "artifactType": "application/vnd.cncf.notary.signature", "config": EMPTY_DESCRIPTOR, "layers": [layer],
                    "subject": subject, "annotations": annotations}
        body = json.dumps(manifest, separators=(",", ":")).encode()
        digest = registry.put_manifest(repo, "sha256:" + hashlib.sha256(body).hexdigest(), manifest["mediaType"], body)
        referrers.append({"mediaType": manifest["mediaType"], "digest": digest, "size": len(body),
                          "artifactType": manifest["artifactType"], "annotations": annotations})
    fallback = {"schemaVersion": 2, "mediaType": "application/vnd.oci.image.index.v1+json", "manifests": referrers}
    registry.put_manifest(repo, "sha256-" + subject["digest"].split(":")[1], fallback["mediaType"],
                          json.dumps(fallback, separators=(",", ":")).encode())
    return [r["digest"] for r in referrers]


def main(host, out):
    registry = Registry(host)
    if os.path.isdir(out):
        shutil.rmtree(out)
    os.makedirs(out)
    facts = {"tag": TAG, "cases": {}}
    subjects = {case: copy_multi(registry, f"base/notary-{case}") for case in CASES}
    # Every copy has the same digests, so one set of envelopes (index = first target, platform = second) serves all.
    index, platform, others = subjects["valid"]
    envelopes = os.path.join(out, "envelopes")
    script = os.path.join(os.path.dirname(os.path.abspath(__file__)), "make_notary_fixtures.py")
    targets = [str(v) for d in [index, platform, *others] for v in (d["mediaType"], d["digest"], d["size"])]
    subprocess.run([sys.executable, script, envelopes, *targets], check=True)
    for number, (case, (index_envelope, platform_envelopes, code)) in enumerate(CASES.items()):
        repo = f"base/notary-{case}"
        index_signatures = attach(registry, repo, index, [os.path.join(envelopes, index_envelope)], number) if index_envelope else []
        platform_signatures = attach(registry, repo, platform, [os.path.join(envelopes, "target1", e) for e in platform_envelopes], number)
        # The other platforms (windows/amd64) are signed validly in every case: only the linux manifest is the test.
        for n, other in enumerate(others, start=2):
            attach(registry, repo, other, [os.path.join(envelopes, f"target{n}", index_envelope or "valid.cose")], number)
        facts["cases"][case] = {"repository": repo, "reference": f"{host}/{repo}:{TAG}", "expectedCode": code,
                                "index": index["digest"], "platform": platform["digest"],
                                "indexSignatures": index_signatures, "platformSignatures": platform_signatures[:3]}

    for store, pem in (("ca", "root.pem"), ("tsa", "tsa-root.pem")):
        os.makedirs(os.path.join(out, "truststore", "x509", store, "testbed"))
        shutil.copyfile(os.path.join(envelopes, pem), os.path.join(out, "truststore", "x509", store, "testbed", pem))
    policy = {"version": "1.0", "trustPolicies": [{
        "name": "testbed", "registryScopes": [f"{host}/base/notary-{case}" for case in CASES],
        "signatureVerification": {"level": "strict"}, "trustStores": ["ca:testbed", "tsa:testbed"],
        "trustedIdentities": ["x509.subject: C=US, ST=WA, O=Test Publisher"]}]}
    with open(os.path.join(out, "trustpolicy.json"), "w") as f:
        json.dump(policy, f, indent=2)
    facts.update(signer="CN=Test Publisher Signing, O=Test Publisher, S=WA, C=US",
                 trustPolicy=os.path.join(out, "trustpolicy.json"), trustStore=os.path.join(out, "truststore"))
    with open(os.path.join(out, "notary.json"), "w") as f:
        json.dump(facts, f, indent=2)


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(*sys.argv[1:])
